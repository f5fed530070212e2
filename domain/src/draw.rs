//! The weighted draw: which outcome a play gets, among the prizes still in
//! stock and the "no prize" outcome. The RNG is passed in, so tests can fix it.

use rand::Rng;

/// One prize the draw may pick: its id and weight. Only prizes with stock
/// left are offered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    pub prize_id: String,
    pub weight: u32,
}

/// Picks a prize by weight, or `None` ("no prize") with `no_prize_weight`.
/// Zero weights never win; with nothing to win, the answer is `None`.
pub fn draw<'a>(
    candidates: &'a [Candidate],
    no_prize_weight: u32,
    rng: &mut impl Rng,
) -> Option<&'a Candidate> {
    let total: u64 =
        candidates.iter().map(|c| u64::from(c.weight)).sum::<u64>() + u64::from(no_prize_weight);
    if total == 0 {
        return None;
    }
    let mut ticket = rng.random_range(0..total);
    for candidate in candidates {
        let weight = u64::from(candidate.weight);
        if ticket < weight {
            return Some(candidate);
        }
        ticket -= weight;
    }
    None
}

/// Letters and digits that cannot be mistaken for each other when read
/// aloud or typed (no 0/O, 1/I/L).
const CODE_ALPHABET: &[u8] = b"ABCDEFGHJKMNPQRSTUVWXYZ23456789";

/// A generated prize code: `prefix` then 10 random characters (about 50
/// bits, so codes cannot be guessed).
pub fn generate_code(prefix: &str, rng: &mut impl Rng) -> String {
    let mut code = String::with_capacity(prefix.len() + 10);
    code.push_str(prefix);
    for _ in 0..10 {
        code.push(char::from(
            CODE_ALPHABET[rng.random_range(0..CODE_ALPHABET.len())],
        ));
    }
    code
}

#[cfg(test)]
mod tests {
    use rand::{SeedableRng as _, rngs::StdRng};

    use super::*;

    fn candidates(weights: &[u32]) -> Vec<Candidate> {
        weights
            .iter()
            .enumerate()
            .map(|(i, &weight)| Candidate {
                prize_id: format!("prz_{i}"),
                weight,
            })
            .collect()
    }

    #[test]
    fn outcomes_follow_the_weights() {
        let prizes = candidates(&[1, 3]);
        let mut rng = StdRng::seed_from_u64(7);
        let mut counts = [0u32; 3];
        for _ in 0..40_000 {
            match draw(&prizes, 4, &mut rng) {
                Some(c) if c.prize_id == "prz_0" => counts[0] += 1,
                Some(_) => counts[1] += 1,
                None => counts[2] += 1,
            }
        }
        // Expected 5,000 / 15,000 / 20,000; allow a few percent.
        assert!((4_500..5_500).contains(&counts[0]), "{counts:?}");
        assert!((14_000..16_000).contains(&counts[1]), "{counts:?}");
        assert!((19_000..21_000).contains(&counts[2]), "{counts:?}");
    }

    #[test]
    fn zero_weights_never_win() {
        let prizes = candidates(&[0, 5, 0]);
        let mut rng = StdRng::seed_from_u64(1);
        for _ in 0..1_000 {
            assert_eq!(draw(&prizes, 0, &mut rng).unwrap().prize_id, "prz_1");
        }
    }

    #[test]
    fn generated_codes_have_the_prefix_and_differ() {
        let mut rng = StdRng::seed_from_u64(3);
        let a = generate_code("WIN-", &mut rng);
        let b = generate_code("WIN-", &mut rng);
        assert!(a.starts_with("WIN-") && a.len() == 14, "{a}");
        assert_ne!(a, b);
        assert!(a[4..].bytes().all(|c| CODE_ALPHABET.contains(&c)));
    }

    #[test]
    fn nothing_to_win_means_no_prize() {
        let mut rng = StdRng::seed_from_u64(1);
        assert_eq!(draw(&[], 0, &mut rng), None);
        assert_eq!(draw(&candidates(&[0, 0]), 0, &mut rng), None);
        assert_eq!(draw(&[], 10, &mut rng), None);
    }
}
