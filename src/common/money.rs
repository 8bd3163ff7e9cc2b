//! Money as the Chinese platforms send it: whole fen (分), never floats. Shown as yuan.

use std::fmt;
use std::iter::Sum;
use std::ops::Add;

use serde::{Deserialize, Serialize};

/// An amount in fen; `Fen(11_800)` is ¥118.00.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(transparent)]
#[cfg_attr(feature = "ssr", derive(sqlx::Type), sqlx(transparent))]
pub struct Fen(pub i64);

impl Fen {
    /// Yuan with two decimals: 11800 → "118.00", -1234 → "-12.34".
    pub fn yuan(self) -> String {
        self.to_string()
    }
}

impl fmt::Display for Fen {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let fen = self.0.unsigned_abs();
        write!(f, "{sign}{}.{:02}", fen / 100, fen % 100)
    }
}

impl Add for Fen {
    type Output = Fen;
    fn add(self, other: Fen) -> Fen {
        Fen(self.0.saturating_add(other.0))
    }
}

impl Sum for Fen {
    fn sum<I: Iterator<Item = Fen>>(iter: I) -> Fen {
        iter.fold(Fen(0), Add::add)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fen_show_as_yuan() {
        assert_eq!(Fen(11_800).yuan(), "118.00");
        assert_eq!(Fen(5).yuan(), "0.05");
        assert_eq!(Fen(-1_234).yuan(), "-12.34");
        assert_eq!(Fen(i64::MIN).yuan(), "-92233720368547758.08");
        assert_eq!([Fen(1), Fen(2)].into_iter().sum::<Fen>(), Fen(3));
        assert_eq!(Fen(i64::MAX) + Fen(1), Fen(i64::MAX), "saturates");
    }
}
