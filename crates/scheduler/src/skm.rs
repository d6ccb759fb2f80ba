//! Tells an OPD's operators that they are invited to the satisfaction survey (SKM) of a case
//! they accepted: one notification per operator and invitation (in-app, and email/webhook
//! as each chose), then marks the invitation announced. Runs with the reminders; never
//! writes the invitation itself (the acceptance's transaction does).

use chrono::{DateTime, Utc};
use pelihara_store::StoreError;
use pelihara_store::notifications::{NewNotification, NotificationDetail, NotificationKind};
use pelihara_store::skm::InvitationStanding;

use crate::Context;
use crate::people::People;

/// Invitations read per sweep: a backlog is worked off a page per minute.
const PAGE: i64 = 200;

pub(crate) async fn announce(context: &Context, now: DateTime<Utc>) -> Result<u32, StoreError> {
    let pending = context.store.skm_unannounced(PAGE).await?;
    if pending.is_empty() {
        return Ok(0);
    }
    let people = People::load(&context.store).await?;
    let mut made = 0;
    for invitation in pending {
        // An invitation answered or expired before anyone was told is not worth a message.
        if invitation.standing(now) == InvitationStanding::Open {
            let opd_name = context
                .store
                .opd(invitation.opd_id)
                .await?
                .map(|opd| opd.name);
            for operator in people.operators(invitation.opd_id) {
                let new = NewNotification {
                    recipient: operator.user.id,
                    dedupe_key: format!("skm:{}:invited", invitation.id),
                    kind: NotificationKind::SkmInvited,
                    case_id: Some(invitation.case_id),
                    task_id: None,
                    app_id: None,
                    link_path: format!("/survei/undangan/{}", invitation.id),
                    detail: NotificationDetail {
                        tracking_code: Some(invitation.tracking_code.clone()),
                        subject: Some(invitation.subject.clone()),
                        opd_name: opd_name.clone(),
                        ..NotificationDetail::default()
                    },
                };
                if context.notify(&new, now).await? {
                    made += 1;
                }
            }
        }
        context.store.mark_skm_announced(invitation.id, now).await?;
    }
    Ok(made)
}
