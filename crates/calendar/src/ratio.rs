//! Exact fractions for counting working days, so a due moment never drifts the way float sums
//! do. Internal only; it must never round silently except in the documented overflow fallback.

use std::cmp::Ordering;

/// A reduced fraction `num / den` with `den > 0`.
///
/// Denominators are day lengths in seconds (at most a few distinct values per calendar), so the
/// exact arithmetic stays far inside `i128`. Should a sum ever overflow anyway, it falls back to
/// rounding one side to the other's denominator: an error below one second of one day, never a
/// wrong sign or a panic.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Ratio {
    num: i128,
    den: i128,
}

fn gcd(mut a: i128, mut b: i128) -> i128 {
    a = a.abs();
    b = b.abs();
    while b != 0 {
        let r = a % b;
        a = b;
        b = r;
    }
    a
}

impl Ratio {
    pub(crate) const ZERO: Ratio = Ratio { num: 0, den: 1 };

    pub(crate) fn integer(value: i128) -> Ratio {
        Ratio { num: value, den: 1 }
    }

    /// `num / den`; a zero denominator is treated as 1 (callers never pass one: day lengths are
    /// positive by construction).
    pub(crate) fn new(num: i128, den: i128) -> Ratio {
        let (num, den) = match den.cmp(&0) {
            Ordering::Greater => (num, den),
            Ordering::Less => (-num, -den),
            Ordering::Equal => (num, 1),
        };
        let g = gcd(num, den);
        if g > 1 {
            Ratio {
                num: num / g,
                den: den / g,
            }
        } else {
            Ratio { num, den }
        }
    }

    pub(crate) fn numer(self) -> i128 {
        self.num
    }

    pub(crate) fn denom(self) -> i128 {
        self.den
    }

    pub(crate) fn is_zero(self) -> bool {
        self.num == 0
    }

    pub(crate) fn to_f64(self) -> f64 {
        // Split off the integer part first so large values keep their fraction's precision.
        let whole = self.num.div_euclid(self.den);
        let rest = self.num.rem_euclid(self.den);
        whole as f64 + rest as f64 / self.den as f64
    }

    /// The smallest integer not below this fraction.
    pub(crate) fn ceil(self) -> i128 {
        let q = self.num.div_euclid(self.den);
        if self.num.rem_euclid(self.den) == 0 {
            q
        } else {
            q + 1
        }
    }

    pub(crate) fn mul_int(self, factor: i128) -> Ratio {
        match self.num.checked_mul(factor) {
            Some(num) => Ratio::new(num, self.den),
            None => {
                // Reduce first: the factor often shares a divisor with the denominator.
                let g = gcd(factor, self.den);
                Ratio::new(
                    self.num.saturating_mul(factor / g.max(1)),
                    self.den / g.max(1),
                )
            }
        }
    }

    pub(crate) fn add(self, other: Ratio) -> Ratio {
        match self.checked_add(other) {
            Some(sum) => sum,
            None => {
                let (a, b) = if self.den >= other.den {
                    (self.rounded_to(other.den), other)
                } else {
                    (self, other.rounded_to(self.den))
                };
                Ratio::new(a.num.saturating_add(b.num), a.den)
            }
        }
    }

    pub(crate) fn neg(self) -> Ratio {
        Ratio {
            num: -self.num,
            den: self.den,
        }
    }

    pub(crate) fn sub(self, other: Ratio) -> Ratio {
        self.add(other.neg())
    }

    fn checked_add(self, other: Ratio) -> Option<Ratio> {
        let g = gcd(self.den, other.den);
        let left = self.num.checked_mul(other.den / g)?;
        let right = other.num.checked_mul(self.den / g)?;
        let den = (self.den / g).checked_mul(other.den)?;
        Some(Ratio::new(left.checked_add(right)?, den))
    }

    /// The nearest fraction with denominator `den` (the overflow fallback).
    fn rounded_to(self, den: i128) -> Ratio {
        let whole = self.num.div_euclid(self.den);
        let rest = self.num.rem_euclid(self.den);
        let part = (rest as f64 / self.den as f64 * den as f64).round() as i128;
        Ratio {
            num: whole.saturating_mul(den).saturating_add(part),
            den,
        }
    }
}

impl PartialEq for Ratio {
    fn eq(&self, other: &Ratio) -> bool {
        // Both sides are kept reduced, so equal values have equal parts.
        self.num == other.num && self.den == other.den
    }
}

impl Eq for Ratio {}

impl PartialOrd for Ratio {
    fn partial_cmp(&self, other: &Ratio) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Ratio {
    fn cmp(&self, other: &Ratio) -> Ordering {
        // Compare the integer parts first, then the fractional parts cross-multiplied; the
        // fractional parts are below their denominators, so the products stay small.
        let (aw, ar) = (self.num.div_euclid(self.den), self.num.rem_euclid(self.den));
        let (bw, br) = (
            other.num.div_euclid(other.den),
            other.num.rem_euclid(other.den),
        );
        aw.cmp(&bw).then_with(
            || match (ar.checked_mul(other.den), br.checked_mul(self.den)) {
                (Some(a), Some(b)) => a.cmp(&b),
                _ => (ar as f64 / self.den as f64).total_cmp(&(br as f64 / other.den as f64)),
            },
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sums_of_day_fractions_are_exact() {
        // Ten thirds of a 30600-second office day plus two thirds make exactly four days.
        let third = Ratio::new(10_200, 30_600);
        let mut sum = Ratio::ZERO;
        for _ in 0..12 {
            sum = sum.add(third);
        }
        assert_eq!(sum, Ratio::integer(4));
    }

    #[test]
    fn mixed_denominators_compare_exactly() {
        let a = Ratio::new(1, 30_600).add(Ratio::new(1, 28_800));
        let b = Ratio::new(28_800 + 30_600, 30_600 * 28_800);
        assert_eq!(a, b);
        assert!(Ratio::new(1, 3) < Ratio::new(334, 1000));
        assert!(Ratio::new(-1, 3) < Ratio::ZERO);
        assert_eq!(Ratio::new(7, -2), Ratio::new(-7, 2));
    }

    #[test]
    fn ceil_rounds_up_only_fractions() {
        assert_eq!(Ratio::new(9, 3).ceil(), 3);
        assert_eq!(Ratio::new(10, 3).ceil(), 4);
        assert_eq!(Ratio::new(-10, 3).ceil(), -3);
    }

    #[test]
    fn overflow_falls_back_to_a_close_value_instead_of_panicking() {
        let huge_den = Ratio::new(1, i128::MAX / 3);
        let other = Ratio::new(1, (i128::MAX / 5) - 1);
        let sum = huge_den.add(other);
        assert!(sum >= Ratio::ZERO);
        assert!(sum.to_f64() < 1e-30);
    }
}
