//! The choices of the generators: a vector of numbers that proptest generates and
//! shrinks, read one at a time. It must not generate inputs itself.

use proptest::prelude::*;

/// The choices of a generator, read one number at a time. When the numbers run out every
/// choice is 0, which the generators make the simplest option (the first of a list, no,
/// stop), so every generated input is finite and shrinking makes it simpler.
pub(crate) struct Entropy<'a> {
    numbers: &'a [u32],
    at: usize,
}

impl<'a> Entropy<'a> {
    pub(crate) fn new(numbers: &'a [u32]) -> Self {
        Entropy { numbers, at: 0 }
    }

    pub(crate) fn next(&mut self) -> u32 {
        let n = self.numbers.get(self.at).copied().unwrap_or(0);
        self.at += 1;
        n
    }

    /// A number from 0 to `n - 1`.
    pub(crate) fn below(&mut self, n: usize) -> usize {
        self.next() as usize % n
    }

    /// True with the given chance, in percent (false when the choices have run out).
    pub(crate) fn chance(&mut self, percent: u32) -> bool {
        self.next() % 100 + percent >= 100
    }

    pub(crate) fn pick<T: Clone>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())].clone()
    }
}

pub(crate) fn choices(max: usize) -> impl Strategy<Value = Vec<u32>> {
    prop::collection::vec(any::<u32>(), 0..max)
}
