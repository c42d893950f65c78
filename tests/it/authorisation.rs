//! Who may see and do what with organisations: members, other organisations, anonymous
//! callers, operators.

use integration_tests::db_test;
use serde_json::json;

db_test! {
    async fn members_are_listed_to_their_own_organisation_and_operators_only(app: TestApp) {
        let (uni_token, uni_org) = app.sign_up("university", "tto@uni.test").await;
        let (firm_token, _) = app.sign_up("enterprise", "rd@firm.test").await;
        let path = format!("/api/v1/orgs/{uni_org}/members");

        let own = app.get(&path, Some(&uni_token)).await;
        let members = own.assert_status(200).as_array().expect("list").clone();
        assert_eq!(members.len(), 1);
        assert_eq!(members[0]["email"], "tto@uni.test");
        assert!(members[0].get("password_hash").is_none(), "password hashes never leave the service");

        app.get(&path, Some(&firm_token)).await.assert_problem(403, "forbidden");
        app.get(&path, None).await.assert_problem(401, "unauthorized");
        let op = app.operator_token().await;
        app.get(&path, Some(&op)).await.assert_status(200);
    }
}

db_test! {
    async fn an_unverified_organisation_is_hidden_from_others_until_an_operator_verifies_it(app: TestApp) {
        let (uni_token, uni_org) = app.sign_up("university", "tto@uni.test").await;
        let (firm_token, _) = app.sign_up("enterprise", "rd@firm.test").await;
        let path = format!("/api/v1/orgs/{uni_org}");

        app.get(&path, Some(&uni_token)).await.assert_status(200);
        app.get(&path, Some(&firm_token)).await.assert_problem(404, "not_found");
        app.get(&path, None).await.assert_problem(404, "not_found");

        let verify = format!("/api/v1/orgs/{uni_org}/verification");
        // Members cannot verify themselves; enterprises cannot verify others.
        app.post(&verify, Some(&uni_token), &json!({"decision": "verified", "version": 1}))
            .await
            .assert_problem(403, "forbidden");
        app.post(&verify, Some(&firm_token), &json!({"decision": "verified", "version": 1}))
            .await
            .assert_problem(403, "forbidden");
        app.post(&verify, None, &json!({"decision": "verified", "version": 1}))
            .await
            .assert_problem(401, "unauthorized");

        let op = app.operator_token().await;
        let verified = app.post(&verify, Some(&op), &json!({"decision": "verified", "version": 1})).await;
        assert_eq!(verified.assert_status(200)["verification_status"], "verified");
        assert_eq!(verified.body["version"], 2);

        let public = app.get(&path, None).await;
        assert_eq!(public.assert_status(200)["verification_status"], "verified");
    }
}

db_test! {
    async fn a_stale_verification_is_409_and_changes_nothing(app: TestApp) {
        let (_, org) = app.sign_up("institute", "lab@inst.test").await;
        let op = app.operator_token().await;
        let verify = format!("/api/v1/orgs/{org}/verification");
        app.post(&verify, Some(&op), &json!({"decision": "rejected", "note": "credit code does not match the name", "version": 1}))
            .await
            .assert_status(200);
        let stale = app.post(&verify, Some(&op), &json!({"decision": "verified", "version": 1})).await;
        stale.assert_problem(409, "stale_version");
        let now = app.get(&format!("/api/v1/orgs/{org}"), Some(&op)).await;
        let now = now.assert_status(200);
        assert_eq!(now["verification_status"], "rejected");
        assert_eq!(now["verification_note"], "credit code does not match the name");
    }
}

db_test! {
    async fn a_rejection_needs_a_reason(app: TestApp) {
        let (_, org) = app.sign_up("institute", "lab@inst.test").await;
        let op = app.operator_token().await;
        let res = app
            .post(&format!("/api/v1/orgs/{org}/verification"), Some(&op), &json!({"decision": "rejected", "version": 1}))
            .await;
        res.assert_problem(422, "validation_failed");
        assert_eq!(res.body["fields"][0]["path"], "note");
    }
}

db_test! {
    async fn every_verification_is_in_the_audit_log(app: TestApp) {
        use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
        let (_, org) = app.sign_up("institute", "lab@inst.test").await;
        let op = app.operator_token().await;
        app.post(&format!("/api/v1/orgs/{org}/verification"), Some(&op), &json!({"decision": "verified", "version": 1}))
            .await
            .assert_status(200);
        let entries = shared::entity::audit_log::Entity::find()
            .filter(shared::entity::audit_log::Column::Action.eq("organisation.verify"))
            .all(&app.db)
            .await
            .expect("audit log");
        assert_eq!(entries.len(), 1);
        let entry = &entries[0];
        assert_eq!(entry.entity_id.to_string(), org);
        assert_eq!(entry.before.as_ref().expect("before")["verification_status"], "pending");
        assert_eq!(entry.after.as_ref().expect("after")["verification_status"], "verified");
        assert!(entry.actor_user_id.is_some());
    }
}
