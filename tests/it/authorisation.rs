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
        let entries = platform::entity::audit_log::Entity::find()
            .filter(platform::entity::audit_log::Column::Action.eq("organisation.verify"))
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

db_test! {
    async fn an_admin_invites_a_member_who_joins_with_the_invitation(app: TestApp) {
        let (admin, org) = app.sign_up("university", "admin@uni.test").await;
        let (outsider, _) = app.sign_up("enterprise", "boss@firm.test").await;
        let path = format!("/api/v1/orgs/{org}/invitations");
        app.post(&path, Some(&outsider), &json!({"email": "x@uni.test"})).await.assert_problem(403, "forbidden");
        let inv = app.post(&path, Some(&admin), &json!({"email": "New.Member@uni.test"})).await;
        let token = inv.assert_status(201)["token"].as_str().expect("token").to_owned();
        let joined = app.post("/api/v1/invitations/accept", None, &json!({"token": token, "display_name": "新成员", "password": "member-password-1"})).await;
        let joined = joined.assert_status(201).clone();
        assert_eq!(joined["user"]["email"], "new.member@uni.test");
        assert_eq!(joined["user"]["org_role"], "member");
        let member = joined["token"].as_str().expect("token");
        // The invitation works once.
        app.post("/api/v1/invitations/accept", None, &json!({"token": token, "display_name": "again", "password": "member-password-1"}))
            .await
            .assert_problem(422, "validation_failed");
        // Members see their colleagues but cannot invite.
        let members = app.get(&format!("/api/v1/orgs/{org}/members"), Some(member)).await;
        assert_eq!(members.assert_status(200).as_array().map(Vec::len), Some(2));
        app.post(&path, Some(member), &json!({"email": "y@uni.test"})).await.assert_problem(403, "forbidden");
        // The admin promotes them; the last admin cannot step down.
        let me = app.get("/api/v1/me", Some(&admin)).await;
        let admin_id = me.body["user_id"].as_str().expect("id").to_owned();
        let member_id = joined["user"]["id"].as_str().expect("id").to_owned();
        app.post(&format!("/api/v1/orgs/{org}/members/{admin_id}/role"), Some(&admin), &json!({"org_role": "member"}))
            .await
            .assert_problem(409, "last_admin");
        let promoted = app.post(&format!("/api/v1/orgs/{org}/members/{member_id}/role"), Some(&admin), &json!({"org_role": "admin"})).await;
        assert_eq!(promoted.assert_status(200)["org_role"], "admin");
        app.post(&format!("/api/v1/orgs/{org}/members/{admin_id}/role"), Some(&admin), &json!({"org_role": "member"}))
            .await
            .assert_status(200);
    }
}
