//! Broker training (技术经理人培训): courses, their classes, the hours a broker attended and
//! the certificates they hold. A broker with a certificate counts as trained.

use chrono::{DateTime, FixedOffset, NaiveDate};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

/// A training course.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CourseIn {
    pub title: String,
    /// Who teaches it (a training organisation).
    pub provider: String,
    /// Nominal hours of the course, 1–2000.
    pub hours: i32,
}

/// A course as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct CourseOut {
    pub id: Uuid,
    pub title: String,
    pub provider: String,
    pub hours: i32,
    pub created_at: DateTime<FixedOffset>,
}

/// A class (one run) of a course.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ClassIn {
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub place: String,
}

/// A class as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ClassOut {
    pub id: Uuid,
    pub course_id: Uuid,
    pub course_title: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub place: String,
}

/// A broker's attendance of a class.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AttendanceIn {
    pub broker_id: Uuid,
    /// Hours attended, 1 up to the course's hours.
    pub hours: i32,
}

/// One attended class.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct AttendanceOut {
    pub class_id: Uuid,
    pub course_title: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub place: String,
    pub hours: i32,
}

/// A certificate issued to a broker.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CertificateIn {
    /// The certificate's number, unique on the platform.
    pub number: String,
    pub issued_on: NaiveDate,
    /// Who issued it.
    pub issuer: String,
    /// The course it certifies, if any.
    pub course_id: Option<Uuid>,
}

/// A certificate as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct CertificateOut {
    pub id: Uuid,
    pub broker_id: Uuid,
    pub number: String,
    pub issued_on: NaiveDate,
    pub issuer: String,
    pub course_id: Option<Uuid>,
}

/// A broker's training record: what the directory shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct BrokerTrainingOut {
    pub broker_id: Uuid,
    /// Sum of the hours attended.
    pub hours_total: i64,
    pub classes: Vec<AttendanceOut>,
    pub certificates: Vec<CertificateOut>,
}
