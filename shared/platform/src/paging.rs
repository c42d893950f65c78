//! Page numbers from query strings, and one page of a query's rows, the same in every list
//! endpoint.

use sea_orm::{ConnectionTrait, EntityTrait, PaginatorTrait, Select};
use wire::Page;

use crate::error::ApiResult;

/// Items per page when the caller does not say.
pub const PER_PAGE_DEFAULT: u64 = 20;
/// Most items one page may hold.
pub const PER_PAGE_MAX: u64 = 100;
/// Highest page number served. Beyond it a page is empty anyway, and `(page - 1) × per_page`
/// must stay far from overflowing the database layer's arithmetic.
pub const PAGE_MAX: u64 = 1_000_000;

/// `(page, per_page)` from optional query values: 1 ≤ page ≤ [`PAGE_MAX`],
/// 1 ≤ per_page ≤ [`PER_PAGE_MAX`].
pub fn paging(page: Option<u64>, per_page: Option<u64>) -> (u64, u64) {
    (
        page.unwrap_or(1).clamp(1, PAGE_MAX),
        per_page.unwrap_or(PER_PAGE_DEFAULT).clamp(1, PER_PAGE_MAX),
    )
}

/// Page `page` (of `per_page` rows, from [`paging`]) of `select`, which must be ordered to a
/// unique key so pages neither repeat nor skip rows; each row becomes its answer by `to_out`.
pub async fn fetch_page<E, C, T>(
    db: &C,
    select: Select<E>,
    (page, per_page): (u64, u64),
    to_out: impl FnMut(E::Model) -> ApiResult<T>,
) -> ApiResult<Page<T>>
where
    E: EntityTrait,
    E::Model: Sync,
    C: ConnectionTrait,
{
    let paginator = select.paginate(db, per_page);
    let total = paginator.num_items().await?;
    let items = paginator
        .fetch_page(page - 1)
        .await?
        .into_iter()
        .map(to_out)
        .collect::<ApiResult<_>>()?;
    Ok(Page {
        items,
        total,
        page,
        per_page,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn absurd_pages_are_bounded() {
        assert_eq!(paging(None, None), (1, 20));
        assert_eq!(paging(Some(0), Some(0)), (1, 1));
        assert_eq!(
            paging(Some(u64::MAX), Some(u64::MAX)),
            (PAGE_MAX, PER_PAGE_MAX)
        );
    }
}
