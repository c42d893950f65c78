//! Sample broker training (issue #16), so the broker directory and the "brokers trained"
//! indicator are not empty on the first start: one course, one class of it, the hours of the
//! sample brokers who attended, and certificates for the first of them. Every title, place,
//! issuer and number says it is sample data. The brokers are the sample ones (certificate
//! number `SAMPLE-…`), the recorder the sample operator; without them it does nothing. Dates
//! follow `today`; the rows are otherwise fixed. Running it twice adds nothing.

use chrono::{Duration, NaiveDate};
use platform::entity::{
    broker_certificates, brokers, training_attendance, training_classes, training_courses, users,
};
use platform::ids::new_uuid;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, Set,
};

/// The sample course's title (also how a second run knows it ran).
pub const COURSE_TITLE: &str =
    "技术经理人初级培训（示例）Sample: technology broker foundation course";

/// Hours of the course (the attendance recorded for each sample broker).
const COURSE_HOURS: i32 = 48;

/// How many of the sample brokers hold a certificate (the others attended only).
const CERTIFIED: usize = 2;

/// Loads the sample training records as of `today`.
pub async fn load(db: &impl ConnectionTrait, today: NaiveDate) -> anyhow::Result<()> {
    if training_courses::Entity::find()
        .filter(training_courses::Column::Title.eq(COURSE_TITLE))
        .count(db)
        .await?
        > 0
    {
        return Ok(());
    }
    let Some(operator) = users::Entity::find()
        .filter(users::Column::IsOperator.eq(true))
        .order_by_asc(users::Column::CreatedAt)
        .one(db)
        .await?
    else {
        return Ok(());
    };
    let sample_brokers = brokers::Entity::find()
        .filter(brokers::Column::CertificateNumber.starts_with("SAMPLE-"))
        .order_by_asc(brokers::Column::CreatedAt)
        .order_by_asc(brokers::Column::Id)
        .all(db)
        .await?;
    if sample_brokers.is_empty() {
        return Ok(());
    }
    let now = chrono::Utc::now();
    let course = training_courses::ActiveModel {
        id: Set(new_uuid()),
        title: Set(COURSE_TITLE.to_owned()),
        provider: Set("示例培训机构 Sample training provider".to_owned()),
        hours: Set(COURSE_HOURS),
        created_by: Set(operator.id),
        created_at: Set(now.into()),
    }
    .insert(db)
    .await?;
    // A class that ended two months ago, a week long.
    let ends_on = today - Duration::days(60);
    let class = training_classes::ActiveModel {
        id: Set(new_uuid()),
        course_id: Set(course.id),
        starts_on: Set(ends_on - Duration::days(6)),
        ends_on: Set(ends_on),
        place: Set("南宁（示例）Nanning (sample)".to_owned()),
        created_by: Set(operator.id),
        created_at: Set(now.into()),
    }
    .insert(db)
    .await?;
    for (i, broker) in sample_brokers.iter().enumerate() {
        training_attendance::ActiveModel {
            id: Set(new_uuid()),
            class_id: Set(class.id),
            broker_id: Set(broker.id),
            hours: Set(COURSE_HOURS),
            recorded_by: Set(operator.id),
            recorded_at: Set(now.into()),
        }
        .insert(db)
        .await?;
        if i < CERTIFIED {
            broker_certificates::ActiveModel {
                id: Set(new_uuid()),
                broker_id: Set(broker.id),
                number: Set(format!("SAMPLE-GXTM-{:04}", i + 1)),
                issued_on: Set(ends_on),
                issuer: Set("示例培训机构 Sample training provider".to_owned()),
                course_id: Set(Some(course.id)),
                recorded_by: Set(operator.id),
                recorded_at: Set(now.into()),
            }
            .insert(db)
            .await?;
        }
    }
    Ok(())
}
