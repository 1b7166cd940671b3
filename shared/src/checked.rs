//! Checked `Decimal` arithmetic, compiled once.
//!
//! Values from the network are never combined with unchecked operators (an overflow would
//! panic; docs: DEVELOPERS rules). `rust_decimal` marks its checked operations `#[inline]`, and
//! in the size-optimised wasm each call site then carries its own 1–2 KB copy of the 96-bit
//! arithmetic; through these out-of-line wrappers every caller shares one copy.

use rust_decimal::Decimal;

/// `a.plus(b)` = `a.checked_add(b)`, and so on: `None` when the result does not fit.
pub trait Checked: Sized {
    fn plus(self, other: Self) -> Option<Self>;
    fn minus(self, other: Self) -> Option<Self>;
    fn times(self, other: Self) -> Option<Self>;
    /// `None` also for a zero divisor.
    fn over(self, other: Self) -> Option<Self>;
}

impl Checked for Decimal {
    #[inline(never)]
    fn plus(self, other: Self) -> Option<Self> {
        self.checked_add(other)
    }

    #[inline(never)]
    fn minus(self, other: Self) -> Option<Self> {
        self.checked_sub(other)
    }

    #[inline(never)]
    fn times(self, other: Self) -> Option<Self> {
        self.checked_mul(other)
    }

    #[inline(never)]
    fn over(self, other: Self) -> Option<Self> {
        self.checked_div(other)
    }
}

#[cfg(test)]
mod tests {
    use super::Checked;
    use rust_decimal::Decimal;

    #[test]
    fn same_answers_as_the_checked_operations() {
        let (a, b) = (Decimal::new(12345, 2), Decimal::new(-7, 1));
        assert_eq!(a.plus(b), a.checked_add(b));
        assert_eq!(a.minus(b), a.checked_sub(b));
        assert_eq!(a.times(b), a.checked_mul(b));
        assert_eq!(a.over(b), a.checked_div(b));
        assert_eq!(Decimal::MAX.plus(Decimal::ONE), None);
        assert_eq!(Decimal::MAX.times(Decimal::TWO), None);
        assert_eq!(Decimal::MIN.minus(Decimal::ONE), None);
        assert_eq!(a.over(Decimal::ZERO), None);
    }
}
