//! The bid log's hash chain: bid n stores `sha256(prev_hash + "\n" + canonical fields)`, the
//! first bid's previous hash is the auction's genesis hash, and the auction row records the
//! head as each bid is accepted. Changing, removing or reordering a stored bid breaks every
//! link after it, and a published head cannot be matched without recomputing the whole chain.
//! The same functions check a chain here and in anyone's copy of the downloaded log (the
//! procedure is written on `wire::auction::BidLog`).

use sha2::{Digest, Sha256};
use uuid::Uuid;

/// What the downloaded log says about its hashes.
pub const ALGORITHM: &str = "hash = lowercase hex of SHA-256(prev_hash + \"\\n\" + auction_id + \"|\" + seq + \"|\" + paddle + \"|\" + amount_minor + \"|\" + currency + \"|\" + placed_at); the first bid's prev_hash is genesis_hash = SHA-256(\"techmarket-auction\\n\" + auction_id); the last hash equals head_hash";

/// The fields of a bid that the chain covers.
pub struct Link<'a> {
    pub auction_id: Uuid,
    pub seq: i64,
    pub paddle: i32,
    pub amount_minor: i64,
    pub currency: &'a str,
    /// RFC 3339 UTC with milliseconds, as stored.
    pub placed_at: &'a str,
}

fn hex_sha256(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// The chain's starting point for an auction (the head of an auction without bids).
pub fn genesis(auction_id: Uuid) -> String {
    hex_sha256(format!("techmarket-auction\n{auction_id}").as_bytes())
}

/// The hash of one bid following `prev_hash`.
pub fn link_hash(prev_hash: &str, link: &Link<'_>) -> String {
    let canonical = format!(
        "{prev_hash}\n{}|{}|{}|{}|{}|{}",
        link.auction_id, link.seq, link.paddle, link.amount_minor, link.currency, link.placed_at
    );
    hex_sha256(canonical.as_bytes())
}

/// A stored bid, as the check reads it.
pub struct StoredLink<'a> {
    pub link: Link<'a>,
    pub prev_hash: &'a str,
    pub hash: &'a str,
}

/// Where a chain first fails, if it does, and the head recomputed from the bids in order.
pub struct Verdict {
    pub first_invalid_seq: Option<i64>,
    pub computed_head: String,
    pub checked: i64,
}

/// Walks the bids in order from the genesis: each must be numbered one after the other, name
/// the previous hash, and carry the hash of its own fields.
pub fn check<'a>(auction_id: Uuid, bids: impl IntoIterator<Item = StoredLink<'a>>) -> Verdict {
    let mut head = genesis(auction_id);
    let mut first_invalid_seq = None;
    let mut checked = 0;
    for (i, bid) in bids.into_iter().enumerate() {
        checked += 1;
        let expected_seq = i64::try_from(i).map_or(i64::MAX, |i| i.saturating_add(1));
        let computed = link_hash(&head, &bid.link);
        let ok = bid.link.auction_id == auction_id
            && bid.link.seq == expected_seq
            && bid.prev_hash == head
            && bid.hash == computed;
        if !ok && first_invalid_seq.is_none() {
            first_invalid_seq = Some(bid.link.seq);
        }
        head = computed;
    }
    Verdict {
        first_invalid_seq,
        computed_head: head,
        checked,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_changed_amount_breaks_the_chain_at_that_bid() {
        let id = Uuid::nil();
        let g = genesis(id);
        let a = Link {
            auction_id: id,
            seq: 1,
            paddle: 1,
            amount_minor: 100,
            currency: "CNY",
            placed_at: "2026-12-03T10:00:00.000Z",
        };
        let h1 = link_hash(&g, &a);
        let b = Link {
            auction_id: id,
            seq: 2,
            paddle: 2,
            amount_minor: 200,
            currency: "CNY",
            placed_at: "2026-12-03T10:00:01.000Z",
        };
        let h2 = link_hash(&h1, &b);
        let good = check(
            id,
            [
                StoredLink {
                    link: a,
                    prev_hash: &g,
                    hash: &h1,
                },
                StoredLink {
                    link: b,
                    prev_hash: &h1,
                    hash: &h2,
                },
            ],
        );
        assert_eq!(good.first_invalid_seq, None);
        assert_eq!(good.computed_head, h2);
        let a2 = Link {
            auction_id: id,
            seq: 1,
            paddle: 1,
            amount_minor: 101,
            currency: "CNY",
            placed_at: "2026-12-03T10:00:00.000Z",
        };
        let b2 = Link {
            auction_id: id,
            seq: 2,
            paddle: 2,
            amount_minor: 200,
            currency: "CNY",
            placed_at: "2026-12-03T10:00:01.000Z",
        };
        let bad = check(
            id,
            [
                StoredLink {
                    link: a2,
                    prev_hash: &g,
                    hash: &h1,
                },
                StoredLink {
                    link: b2,
                    prev_hash: &h1,
                    hash: &h2,
                },
            ],
        );
        assert_eq!(bad.first_invalid_seq, Some(1));
        assert_ne!(bad.computed_head, h2);
    }
}
