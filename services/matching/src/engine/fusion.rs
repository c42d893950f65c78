//! Reciprocal rank fusion: ranked lists of different kinds (BM25 scores, cosines) merged
//! without comparing their scores, which live on unrelated scales.

use std::collections::HashMap;

use uuid::Uuid;

/// The ids of all `lists`, best first by Σ 1 / (k + rank) over the lists that hold them
/// (rank from 1); ties keep the order of first appearance.
pub fn reciprocal_rank(lists: &[&[Uuid]], k: f64) -> Vec<Uuid> {
    let mut scores: HashMap<Uuid, (f64, usize)> = HashMap::new();
    let mut seen = 0;
    for list in lists {
        for (rank, id) in list.iter().enumerate() {
            let entry = scores.entry(*id).or_insert_with(|| {
                seen += 1;
                (0.0, seen)
            });
            entry.0 += 1.0 / (k + rank as f64 + 1.0);
        }
    }
    let mut fused: Vec<(Uuid, f64, usize)> = scores
        .into_iter()
        .map(|(id, (score, first))| (id, score, first))
        .collect();
    fused.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.2.cmp(&b.2)));
    fused.into_iter().map(|(id, _, _)| id).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn found_by_both_lists_comes_first() {
        let (a, b, c) = (Uuid::from_u128(1), Uuid::from_u128(2), Uuid::from_u128(3));
        assert_eq!(reciprocal_rank(&[&[a, b], &[c, b]], 60.0), vec![b, a, c]);
        assert_eq!(reciprocal_rank(&[&[a], &[]], 60.0), vec![a]);
    }
}
