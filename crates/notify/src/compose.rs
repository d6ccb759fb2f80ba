//! The words of a notification: its one-line title and its body, in the reader's language,
//! from what the notification recorded when it was made (no further reads), and the link to
//! open it under the public base URL. Never sends or stores anything.

use chrono_tz::Tz;
use pelihara_i18n::{Lang, arg, format_date, format_datetime, t, t_args};
use pelihara_store::notifications::{Notification, NotificationDetail, NotificationKind};

/// A notification ready for a channel: subject line, plain-text body (paragraphs separated
/// by blank lines), and the absolute link to open it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub subject: String,
    pub body: String,
    pub link: String,
}

fn text(value: &Option<String>) -> String {
    value.clone().unwrap_or_else(|| "-".to_owned())
}

fn step_label(lang: Lang, detail: &NotificationDetail) -> String {
    match detail.step_no {
        Some(step) => t_args(
            lang,
            "notify-step",
            &[
                ("step", arg(step)),
                ("step_name", arg(text(&detail.step_name))),
            ],
        ),
        None => text(&detail.step_name),
    }
}

fn args(lang: Lang, tz: Tz, detail: &NotificationDetail) -> Vec<(&'static str, String)> {
    let due = detail
        .due_at
        .map(|due| format_datetime(lang, tz, due))
        .unwrap_or_else(|| "-".to_owned());
    let date = detail
        .maintenance_due_on
        .or(detail.digest.as_ref().and_then(|digest| digest.date))
        .map(|date| format_date(lang, date))
        .unwrap_or_else(|| "-".to_owned());
    let digest = detail.digest.clone().unwrap_or_default();
    vec![
        ("tracking", text(&detail.tracking_code)),
        ("subject", text(&detail.subject)),
        ("opd", text(&detail.opd_name)),
        ("app", text(&detail.app_name)),
        ("step_label", step_label(lang, detail)),
        ("position", text(&detail.position_name)),
        ("assignees", text(&detail.assignee_names)),
        ("due", due),
        ("date", date),
        ("error", text(&detail.error)),
        ("new", digest.new_cases.to_string()),
        ("done", digest.done_cases.to_string()),
        ("overdue", digest.overdue_tasks.to_string()),
    ]
}

/// The message key of a notification's part. A task without a due moment (the OPD's answer
/// at a decision, a returned request: the SOP times neither, though the step has a standard
/// for its performer) is announced without a deadline sentence rather than with "Batas waktu:
/// tanpa batas waktu", which reads as if the step's own standard did not exist.
fn key(notification: &Notification, part: &str) -> String {
    let kind = notification.kind.code();
    if part == "body"
        && notification.kind == NotificationKind::TaskArrived
        && notification.detail.due_at.is_none()
    {
        return format!("notify-{kind}-untimed-body");
    }
    format!("notify-{kind}-{part}")
}

fn lookup(lang: Lang, tz: Tz, notification: &Notification, part: &str) -> String {
    let key = key(notification, part);
    let values = args(lang, tz, &notification.detail);
    let fluent: Vec<_> = values
        .iter()
        .map(|(name, value)| (*name, arg(value)))
        .collect();
    t_args(lang, &key, &fluent)
}

/// The one-line title (the bell list, the email subject without its prefix).
pub fn title(lang: Lang, tz: Tz, notification: &Notification) -> String {
    lookup(lang, tz, notification, "title")
}

/// The body: one paragraph; the digest adds one line per step with open tasks.
pub fn body(lang: Lang, tz: Tz, notification: &Notification) -> String {
    let mut body = lookup(lang, tz, notification, "body");
    if notification.kind == NotificationKind::Digest {
        let digest = notification.detail.digest.clone().unwrap_or_default();
        body.push('\n');
        if digest.by_step.is_empty() {
            body.push('\n');
            body.push_str(&t(lang, "notify-digest-no-open"));
        }
        for step in &digest.by_step {
            body.push('\n');
            body.push_str(&t_args(
                lang,
                "notify-digest-step",
                &[
                    ("step", arg(step.step_no)),
                    ("step_name", arg(&step.step_name)),
                    ("open", arg(step.open)),
                    ("overdue", arg(step.overdue)),
                ],
            ));
        }
    }
    body
}

/// The absolute link: the public base URL (with or without a trailing slash) and the
/// notification's path.
pub fn link(base_url: &str, notification: &Notification) -> String {
    let base = base_url.trim_end_matches('/');
    let path = notification.link_path.trim();
    if path.is_empty() {
        format!("{base}/")
    } else if path.starts_with('/') {
        format!("{base}{path}")
    } else {
        format!("{base}/{path}")
    }
}

/// Everything a channel needs: the prefixed subject, the body and the link.
pub fn message(lang: Lang, tz: Tz, base_url: &str, notification: &Notification) -> Message {
    Message {
        subject: format!(
            "{} {}",
            t(lang, "notify-subject-prefix"),
            title(lang, tz, notification)
        ),
        body: body(lang, tz, notification),
        link: link(base_url, notification),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use chrono::{NaiveDate, TimeZone, Utc};
    use pelihara_store::notifications::{DigestFigures, DigestStep, NotificationId};

    use super::*;

    fn notification(kind: NotificationKind, detail: NotificationDetail) -> Notification {
        Notification {
            id: NotificationId(uuid_zero()),
            recipient: pelihara_store_user(),
            dedupe_key: "k".into(),
            kind,
            case_id: None,
            task_id: None,
            app_id: None,
            link_path: "/permohonan/abc".into(),
            detail,
            created_at: Utc.with_ymd_and_hms(2026, 11, 2, 2, 0, 0).unwrap(),
            read_at: None,
        }
    }

    fn uuid_zero() -> uuid::Uuid {
        uuid::Uuid::nil()
    }

    fn pelihara_store_user() -> pelihara_domain::UserId {
        pelihara_domain::UserId(uuid::Uuid::nil())
    }

    fn task_detail() -> NotificationDetail {
        NotificationDetail {
            tracking_code: Some("PLH-2026-0007".into()),
            subject: Some("Pembaruan SIMPUS".into()),
            opd_name: Some("Dinas Kesehatan".into()),
            step_no: Some(2),
            step_name: Some("Disposisi".into()),
            position_name: Some("Kepala Dinas".into()),
            assignee_names: Some("Endah Kadis".into()),
            // 09.10 WIB.
            due_at: Some(Utc.with_ymd_and_hms(2026, 11, 2, 2, 10, 0).unwrap()),
            ..NotificationDetail::default()
        }
    }

    const TZ: Tz = chrono_tz::Asia::Jakarta;

    #[test]
    fn overdue_reads_in_indonesian_and_english() {
        let n = notification(NotificationKind::TaskOverdue, task_detail());
        assert_eq!(
            title(Lang::Id, TZ, &n),
            "Terlambat: PLH-2026-0007, langkah 2: Disposisi"
        );
        assert_eq!(
            body(Lang::Id, TZ, &n),
            "Tugas langkah 2: Disposisi pada permohonan PLH-2026-0007 (Pembaruan SIMPUS) melewati \
             batas waktu 2 November 2026 09.10 WIB. Mohon segera diselesaikan."
        );
        assert_eq!(
            title(Lang::En, TZ, &n),
            "Overdue: PLH-2026-0007, step 2: Disposisi"
        );
        let message = message(Lang::Id, TZ, "https://pelihara.demakkab.go.id/", &n);
        assert_eq!(
            message.subject,
            "[Pelihara] Terlambat: PLH-2026-0007, langkah 2: Disposisi"
        );
        assert_eq!(
            message.link,
            "https://pelihara.demakkab.go.id/permohonan/abc"
        );
    }

    /// Step 9 gives its performer 60 minutes; the OPD's answer that follows has no standard of
    /// its own, so its task carries no due moment. The message says so plainly instead of
    /// "Batas waktu: tanpa batas waktu".
    #[test]
    fn a_task_without_a_due_moment_is_announced_without_a_deadline() {
        let untimed = NotificationDetail {
            step_no: Some(9),
            step_name: Some("Tindak Lanjut Pemeliharaan Aplikasi/Website ke OPD".into()),
            due_at: None,
            ..task_detail()
        };
        let n = notification(NotificationKind::TaskArrived, untimed);
        assert_eq!(
            body(Lang::Id, TZ, &n),
            "Permohonan PLH-2026-0007 (Pembaruan SIMPUS) dari Dinas Kesehatan menunggu Anda pada \
             langkah 9: Tindak Lanjut Pemeliharaan Aplikasi/Website ke OPD. Tugas Anda ini tidak \
             diukur dengan waktu standar SOP; mohon ditanggapi secepatnya."
        );
        assert_eq!(
            body(Lang::En, TZ, &n),
            "Request PLH-2026-0007 (Pembaruan SIMPUS) from Dinas Kesehatan is waiting for you at \
             step 9: Tindak Lanjut Pemeliharaan Aplikasi/Website ke OPD. This task of yours is not \
             timed by the SOP's standard; please respond soon."
        );
        // A timed task keeps its deadline.
        let timed = notification(NotificationKind::TaskArrived, task_detail());
        assert!(
            body(Lang::Id, TZ, &timed).ends_with("Batas waktu: 2 November 2026 09.10 WIB."),
            "{}",
            body(Lang::Id, TZ, &timed)
        );
        // No message of any kind says "no deadline" any more.
        for lang in [Lang::Id, Lang::En] {
            for kind in NotificationKind::ALL {
                let detail = NotificationDetail {
                    due_at: None,
                    ..task_detail()
                };
                let text = body(lang, TZ, &notification(kind, detail));
                assert!(!text.contains("tanpa batas"), "{kind:?}: {text}");
                assert!(!text.contains("no deadline"), "{kind:?}: {text}");
            }
        }
    }

    #[test]
    fn every_kind_has_words_in_both_languages() {
        for kind in NotificationKind::ALL {
            let n = notification(kind, task_detail());
            for lang in [Lang::Id, Lang::En] {
                let title = title(lang, TZ, &n);
                let body = body(lang, TZ, &n);
                // A missing key comes back as the key itself.
                assert!(!title.starts_with("notify-"), "{kind:?} {lang:?}: {title}");
                assert!(!body.starts_with("notify-"), "{kind:?} {lang:?}: {body}");
            }
        }
    }

    #[test]
    fn the_digest_lists_steps() {
        let detail = NotificationDetail {
            digest: Some(DigestFigures {
                date: NaiveDate::from_ymd_opt(2026, 11, 2),
                new_cases: 3,
                done_cases: 1,
                overdue_tasks: 2,
                by_step: vec![DigestStep {
                    step_no: 2,
                    step_name: "Disposisi".into(),
                    open: 4,
                    overdue: 2,
                }],
            }),
            ..NotificationDetail::default()
        };
        let n = notification(NotificationKind::Digest, detail);
        assert_eq!(
            title(Lang::Id, TZ, &n),
            "Ringkasan harian Pelihara, 2 November 2026"
        );
        assert_eq!(
            body(Lang::Id, TZ, &n),
            "Permohonan baru: 3. Selesai: 1. Tugas terlambat: 2.\n\
             \nLangkah 2 (Disposisi): 4 terbuka, 2 terlambat"
        );
    }
}
