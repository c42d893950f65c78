//! Broker training (技术经理人培训): courses, their classes, the hours each broker attended,
//! and the certificates brokers hold. Operators record them (the platform's training office;
//! an accredited training organisation records through an operator account). A broker who
//! holds a certificate counts as trained: [`count_trained`] is the one home of the plan's
//! "brokers trained" indicator, read by the targets and the KPIs.

use std::collections::HashMap;

use chrono::NaiveDate;
use platform::audit::AuditEntry;
use platform::auth::AuthUser;
use platform::entity::{
    broker_certificates, brokers, training_attendance, training_classes, training_courses,
};
use platform::error::{ApiError, ApiResult, Validator};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set, TransactionTrait,
};
use uuid::Uuid;
use wire::deal::BrokerOut;
use wire::training::{
    AttendanceIn, AttendanceOut, BrokerTrainingOut, CertificateIn, CertificateOut, ClassIn,
    ClassOut, CourseIn, CourseOut,
};

use super::now;
use crate::SERVICE;

/// Longest course, in hours (a year of full days is far beyond any course).
const MAX_COURSE_HOURS: i32 = 2000;

fn course_out(m: training_courses::Model) -> CourseOut {
    CourseOut {
        id: m.id,
        title: m.title,
        provider: m.provider,
        hours: m.hours,
        created_at: m.created_at,
    }
}

fn certificate_out(m: broker_certificates::Model) -> CertificateOut {
    CertificateOut {
        id: m.id,
        broker_id: m.broker_id,
        number: m.number,
        issued_on: m.issued_on,
        issuer: m.issuer,
        course_id: m.course_id,
    }
}

async fn find_course(db: &impl ConnectionTrait, id: Uuid) -> ApiResult<training_courses::Model> {
    training_courses::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("course {id}")))
}

/// Courses, newest first (public: the training offer).
#[tracing::instrument(skip_all)]
pub async fn list_courses(db: &impl ConnectionTrait) -> ApiResult<Vec<CourseOut>> {
    Ok(training_courses::Entity::find()
        .order_by_desc(training_courses::Column::CreatedAt)
        .limit(500)
        .all(db)
        .await?
        .into_iter()
        .map(course_out)
        .collect())
}

/// An operator records a course.
#[tracing::instrument(skip_all)]
pub async fn create_course(
    db: &(impl ConnectionTrait + TransactionTrait),
    caller: &AuthUser,
    input: &CourseIn,
) -> ApiResult<CourseOut> {
    caller.require_operator()?;
    let mut v = Validator::new();
    v.length(&input.title, "title", 1, 200);
    v.length(&input.provider, "provider", 1, 200);
    v.check(
        (1..=MAX_COURSE_HOURS).contains(&input.hours),
        "hours",
        format!("must be between 1 and {MAX_COURSE_HOURS}"),
    );
    v.finish()?;
    let txn = db.begin().await?;
    let m = training_courses::ActiveModel {
        id: Set(Uuid::now_v7()),
        title: Set(input.title.trim().to_owned()),
        provider: Set(input.provider.trim().to_owned()),
        hours: Set(input.hours),
        created_by: Set(caller.user_id.0),
        created_at: Set(now()),
    }
    .insert(&txn)
    .await?;
    let out = course_out(m);
    AuditEntry {
        actor: Some(caller),
        service: SERVICE,
        action: "training_course.create",
        entity_type: "training_course",
        entity_id: out.id,
    }
    .record(&txn, None::<&()>, Some(&out))
    .await?;
    txn.commit().await?;
    Ok(out)
}

/// The classes of a course, by start date.
#[tracing::instrument(skip_all, fields(course.id = %course_id))]
pub async fn list_classes(db: &impl ConnectionTrait, course_id: Uuid) -> ApiResult<Vec<ClassOut>> {
    let course = find_course(db, course_id).await?;
    Ok(training_classes::Entity::find()
        .filter(training_classes::Column::CourseId.eq(course_id))
        .order_by_asc(training_classes::Column::StartsOn)
        .all(db)
        .await?
        .into_iter()
        .map(|c| ClassOut {
            id: c.id,
            course_id: c.course_id,
            course_title: course.title.clone(),
            starts_on: c.starts_on,
            ends_on: c.ends_on,
            place: c.place,
        })
        .collect())
}

/// An operator records a class of a course.
#[tracing::instrument(skip_all, fields(course.id = %course_id))]
pub async fn create_class(
    db: &(impl ConnectionTrait + TransactionTrait),
    caller: &AuthUser,
    course_id: Uuid,
    input: &ClassIn,
) -> ApiResult<ClassOut> {
    caller.require_operator()?;
    let course = find_course(db, course_id).await?;
    let mut v = Validator::new();
    v.length(&input.place, "place", 1, 200);
    v.check(
        input.ends_on >= input.starts_on,
        "ends_on",
        "must not be before starts_on",
    );
    v.finish()?;
    let txn = db.begin().await?;
    let m = training_classes::ActiveModel {
        id: Set(Uuid::now_v7()),
        course_id: Set(course_id),
        starts_on: Set(input.starts_on),
        ends_on: Set(input.ends_on),
        place: Set(input.place.trim().to_owned()),
        created_by: Set(caller.user_id.0),
        created_at: Set(now()),
    }
    .insert(&txn)
    .await?;
    let out = ClassOut {
        id: m.id,
        course_id,
        course_title: course.title,
        starts_on: m.starts_on,
        ends_on: m.ends_on,
        place: m.place,
    };
    AuditEntry {
        actor: Some(caller),
        service: SERVICE,
        action: "training_class.create",
        entity_type: "training_class",
        entity_id: out.id,
    }
    .record(&txn, None::<&()>, Some(&out))
    .await?;
    txn.commit().await?;
    Ok(out)
}

/// An operator records that a broker attended a class (once per class and broker: a second
/// record is a 409), for at most the course's hours.
#[tracing::instrument(skip_all, fields(class.id = %class_id))]
pub async fn record_attendance(
    db: &(impl ConnectionTrait + TransactionTrait),
    caller: &AuthUser,
    class_id: Uuid,
    input: &AttendanceIn,
) -> ApiResult<AttendanceOut> {
    caller.require_operator()?;
    let class = training_classes::Entity::find_by_id(class_id)
        .one(db)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("class {class_id}")))?;
    let course = find_course(db, class.course_id).await?;
    let mut v = Validator::new();
    v.check(
        (1..=course.hours).contains(&input.hours),
        "hours",
        format!("must be between 1 and the course's {} hours", course.hours),
    );
    v.finish()?;
    if brokers::Entity::find_by_id(input.broker_id)
        .one(db)
        .await?
        .is_none()
    {
        return Err(ApiError::field("broker_id", "no such broker"));
    }
    let txn = db.begin().await?;
    training_attendance::ActiveModel {
        id: Set(Uuid::now_v7()),
        class_id: Set(class_id),
        broker_id: Set(input.broker_id),
        hours: Set(input.hours),
        recorded_by: Set(caller.user_id.0),
        recorded_at: Set(now()),
    }
    .insert(&txn)
    .await
    .map_err(|e| match ApiError::from(e) {
        ApiError::Conflict { .. } => ApiError::conflict(
            "attendance_already_recorded",
            "this broker's attendance of this class is already recorded",
        ),
        other => other,
    })?;
    let out = AttendanceOut {
        class_id,
        course_title: course.title,
        starts_on: class.starts_on,
        ends_on: class.ends_on,
        place: class.place,
        hours: input.hours,
    };
    AuditEntry {
        actor: Some(caller),
        service: SERVICE,
        action: "training_attendance.record",
        entity_type: "broker",
        entity_id: input.broker_id,
    }
    .record(&txn, None::<&()>, Some(&out))
    .await?;
    txn.commit().await?;
    Ok(out)
}

/// An operator records a certificate a broker holds; its number is unique on the platform
/// (the same number twice is a 409).
#[tracing::instrument(skip_all, fields(broker.id = %broker_id))]
pub async fn issue_certificate(
    db: &(impl ConnectionTrait + TransactionTrait),
    caller: &AuthUser,
    broker_id: Uuid,
    input: &CertificateIn,
) -> ApiResult<CertificateOut> {
    caller.require_operator()?;
    super::brokers::find(db, broker_id).await?;
    let number = input.number.trim().to_owned();
    let mut v = Validator::new();
    v.length(&number, "number", 1, 64);
    v.length(&input.issuer, "issuer", 1, 200);
    v.check(
        input.issued_on <= super::today(),
        "issued_on",
        "must not be in the future",
    );
    v.finish()?;
    if let Some(course) = input.course_id {
        if training_courses::Entity::find_by_id(course)
            .one(db)
            .await?
            .is_none()
        {
            return Err(ApiError::field("course_id", "no such course"));
        }
    }
    let txn = db.begin().await?;
    let m = broker_certificates::ActiveModel {
        id: Set(Uuid::now_v7()),
        broker_id: Set(broker_id),
        number: Set(number),
        issued_on: Set(input.issued_on),
        issuer: Set(input.issuer.trim().to_owned()),
        course_id: Set(input.course_id),
        recorded_by: Set(caller.user_id.0),
        recorded_at: Set(now()),
    }
    .insert(&txn)
    .await
    .map_err(|e| match ApiError::from(e) {
        ApiError::Conflict { .. } => ApiError::conflict(
            "certificate_number_taken",
            "a certificate with this number is already recorded",
        ),
        other => other,
    })?;
    let out = certificate_out(m);
    AuditEntry {
        actor: Some(caller),
        service: SERVICE,
        action: "broker_certificate.issue",
        entity_type: "broker",
        entity_id: broker_id,
    }
    .record(&txn, None::<&()>, Some(&out))
    .await?;
    txn.commit().await?;
    Ok(out)
}

/// A broker's training record (the caller must be able to see the broker).
#[tracing::instrument(skip_all, fields(broker.id = %broker_id))]
pub async fn broker_training(
    db: &impl ConnectionTrait,
    caller: Option<&AuthUser>,
    broker_id: Uuid,
) -> ApiResult<BrokerTrainingOut> {
    super::brokers::find_visible(db, broker_id, caller).await?;
    let rows = training_attendance::Entity::find()
        .filter(training_attendance::Column::BrokerId.eq(broker_id))
        .all(db)
        .await?;
    let class_ids: Vec<Uuid> = rows.iter().map(|a| a.class_id).collect();
    let class_rows: HashMap<Uuid, training_classes::Model> = training_classes::Entity::find()
        .filter(training_classes::Column::Id.is_in(class_ids))
        .all(db)
        .await?
        .into_iter()
        .map(|c| (c.id, c))
        .collect();
    let course_ids: Vec<Uuid> = class_rows.values().map(|c| c.course_id).collect();
    let titles: HashMap<Uuid, String> = training_courses::Entity::find()
        .filter(training_courses::Column::Id.is_in(course_ids))
        .all(db)
        .await?
        .into_iter()
        .map(|c| (c.id, c.title))
        .collect();
    let mut classes = Vec::with_capacity(rows.len());
    let mut total: i64 = 0;
    for a in rows {
        let Some(class) = class_rows.get(&a.class_id) else {
            continue;
        };
        total = add_hours(total, a.hours)?;
        classes.push(AttendanceOut {
            class_id: class.id,
            course_title: titles.get(&class.course_id).cloned().unwrap_or_default(),
            starts_on: class.starts_on,
            ends_on: class.ends_on,
            place: class.place.clone(),
            hours: a.hours,
        });
    }
    classes.sort_by_key(|c| c.starts_on);
    let certificates = broker_certificates::Entity::find()
        .filter(broker_certificates::Column::BrokerId.eq(broker_id))
        .order_by_desc(broker_certificates::Column::IssuedOn)
        .all(db)
        .await?
        .into_iter()
        .map(certificate_out)
        .collect();
    Ok(BrokerTrainingOut {
        broker_id,
        hours_total: total,
        classes,
        certificates,
    })
}

/// Adds attended hours, checked.
fn add_hours(total: i64, hours: i32) -> ApiResult<i64> {
    total
        .checked_add(i64::from(hours))
        .ok_or_else(|| ApiError::Internal(anyhow::anyhow!("training hours overflow")))
}

/// Fills the training hours and certificates of broker profiles (two queries for a page).
#[tracing::instrument(skip_all)]
pub async fn attach(db: &impl ConnectionTrait, profiles: &mut [BrokerOut]) -> ApiResult<()> {
    if profiles.is_empty() {
        return Ok(());
    }
    let ids: Vec<Uuid> = profiles.iter().map(|p| p.id.0).collect();
    let mut hours: HashMap<Uuid, i64> = HashMap::new();
    for a in training_attendance::Entity::find()
        .filter(training_attendance::Column::BrokerId.is_in(ids.clone()))
        .all(db)
        .await?
    {
        let sum = hours.entry(a.broker_id).or_insert(0);
        *sum = add_hours(*sum, a.hours)?;
    }
    let mut certs: HashMap<Uuid, Vec<CertificateOut>> = HashMap::new();
    for c in broker_certificates::Entity::find()
        .filter(broker_certificates::Column::BrokerId.is_in(ids))
        .order_by_desc(broker_certificates::Column::IssuedOn)
        .all(db)
        .await?
    {
        certs
            .entry(c.broker_id)
            .or_default()
            .push(certificate_out(c));
    }
    for p in profiles.iter_mut() {
        p.training_hours = hours.get(&p.id.0).copied().unwrap_or(0);
        p.certificates = certs.remove(&p.id.0).unwrap_or_default();
    }
    Ok(())
}

/// Brokers holding a certificate issued on or before `until` (all of them without a date):
/// the plan's "technology brokers trained" (培训技术经理人).
#[tracing::instrument(level = "debug", skip_all)]
pub async fn count_trained(db: &impl ConnectionTrait, until: Option<NaiveDate>) -> ApiResult<u64> {
    let mut q = broker_certificates::Entity::find()
        .select_only()
        .column(broker_certificates::Column::BrokerId)
        .distinct();
    if let Some(day) = until {
        q = q.filter(broker_certificates::Column::IssuedOn.lte(day));
    }
    let brokers: Vec<Uuid> = q.into_tuple().all(db).await?;
    Ok(u64::try_from(brokers.len()).unwrap_or(u64::MAX))
}
