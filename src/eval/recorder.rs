//! What a walk over a condition records of the facts it reads, chosen by a type parameter
//! of the walker so that each choice is compiled on its own, with no test per read. Must
//! not decide truth: a recorder only says whether reads are kept, and so whether the walk
//! may stop at the first part that decides an `and`, `or`, `any` or `all`.

/// What a walk records of the facts it reads.
pub(super) trait Recorder {
    /// Whether the facts read are kept in the walk's `Env`. A walk that keeps none has no
    /// reason to read the parts of a condition that cannot change its truth, and stops at
    /// the first part that decides it.
    const KEEPS_READS: bool;
}

/// Records nothing: for outcomes only, and for values shown, when no question or
/// explanation is wanted of the walk.
pub(super) enum Nothing {}

impl Recorder for Nothing {
    const KEEPS_READS: bool = false;
}

/// Records every fact read, and whether it was known, in the order read: for reasons,
/// questions, explanations and searches, and to find the atoms reading a fact.
pub(super) enum FactsRead {}

impl Recorder for FactsRead {
    const KEEPS_READS: bool = true;
}
