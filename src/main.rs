//! The `accord` command: parses the command line and hands over to [`accord::cli`].
#![forbid(unsafe_code)]

mod cli;

/// mimalloc rather than the system's allocator: advising a case allocates small texts by
/// the hundred, and full advice takes 11% fewer instructions per case with it
/// (docs/performance.md). Without transparent huge pages (`no_thp`), so that a batch's
/// memory stays as flat as with the system's allocator (14 MB for 1,000,000 cases, not 28).
#[cfg(feature = "mimalloc")]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    cli::main()
}
