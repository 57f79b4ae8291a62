//! Three-valued (Kleene) truth: what a condition is for a case. Defined with the rule base
//! because the evaluation plan's truth tables hold it; the evaluator works with it, and
//! re-exports it with its other truth helpers. Must not compare values or evaluate conditions.

/// A truth value of three-valued logic.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Truth {
    /// Known to hold.
    True,
    /// Known not to hold.
    False,
    /// Depends on facts that are unknown.
    Unknown,
}

impl Truth {
    /// Kleene conjunction: false wins, then unknown.
    pub fn and(self, other: Truth) -> Truth {
        match (self, other) {
            (Truth::False, _) | (_, Truth::False) => Truth::False,
            (Truth::True, Truth::True) => Truth::True,
            _ => Truth::Unknown,
        }
    }

    /// Kleene disjunction: true wins, then unknown.
    pub fn or(self, other: Truth) -> Truth {
        self.not().and(other.not()).not()
    }

    /// Negation; unknown stays unknown.
    #[allow(clippy::should_implement_trait)]
    pub fn not(self) -> Truth {
        match self {
            Truth::True => Truth::False,
            Truth::False => Truth::True,
            Truth::Unknown => Truth::Unknown,
        }
    }

    pub(crate) fn from_bool(b: bool) -> Truth {
        if b { Truth::True } else { Truth::False }
    }
}
