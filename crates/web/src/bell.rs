//! The notification bell in the top bar of every signed-in page: its label with the unread
//! count, its badge, and the path it polls for itself (`pages::notifications` answers it). Part
//! of the shell, so that the shell and `auth` need no page to draw it or to know its poll.

use crate::lang::Tr;

/// The bell's fragment, polled by every signed-in page. Requests to it do not extend the
/// session (see `auth::signed_in`): an unattended tab must not stay signed in for ever.
pub(crate) const BELL_PATH: &str = "/notifikasi/lonceng";

/// The bell in the top bar (template `notifications_bell.html`): its accessible label with
/// the unread count, the badge and how it asks for itself again.
#[derive(Debug, Clone)]
pub struct Bell {
    pub label: String,
    pub poll_path: &'static str,
    /// The htmx trigger: every 30 s and when the tab is shown again; also at once when the
    /// page was rendered without the count (an error page).
    pub trigger: &'static str,
    count: Option<i64>,
}

impl Bell {
    /// The bell of a signed-in user with `unread` unread notifications (`None`: not known
    /// yet; the bell asks as soon as the page has loaded).
    pub fn new(tr: Tr, unread: Option<i64>) -> Bell {
        let count = unread.unwrap_or_default().max(0);
        let label = tr.count("notif-bell-label", usize::try_from(count).unwrap_or(0));
        Bell {
            label,
            poll_path: BELL_PATH,
            trigger: if unread.is_some() {
                "every 30s, visibilitychange from:document"
            } else {
                "load, every 30s, visibilitychange from:document"
            },
            count: unread,
        }
    }

    /// The unread count the page was drawn with, if known.
    pub fn count(&self) -> Option<i64> {
        self.count
    }

    /// What the bell asks for: its path with the count it shows (`?n=3`), so that the answer
    /// is "204, nothing changed" while the count stays, and the live region around the bell
    /// speaks only when the count changes, not every 30 seconds.
    pub fn poll_url(&self) -> String {
        match self.count {
            Some(count) => format!("{}?n={count}", self.poll_path),
            None => self.poll_path.to_owned(),
        }
    }

    /// What the red badge shows: nothing when all is read, at most "99+".
    pub fn badge(&self) -> String {
        match self.count {
            None | Some(..=0) => String::new(),
            Some(count @ 1..=99) => count.to_string(),
            Some(_) => "99+".to_owned(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use pelihara_i18n::Lang;

    #[test]
    fn the_bell_badge_and_label() {
        let tr = Tr::new(Lang::Id);
        let bell = Bell::new(tr, Some(0));
        assert_eq!(bell.badge(), "");
        assert_eq!(bell.label, "Notifikasi: tidak ada yang belum dibaca");
        assert!(!bell.trigger.contains("load"));
        let bell = Bell::new(tr, Some(3));
        assert_eq!(bell.badge(), "3");
        assert_eq!(bell.label, "Notifikasi: 3 belum dibaca");
        assert_eq!(Bell::new(tr, Some(120)).badge(), "99+");
        let unknown = Bell::new(tr, None);
        assert_eq!(unknown.badge(), "");
        assert!(unknown.trigger.starts_with("load"));
        assert_eq!(bell.poll_url(), "/notifikasi/lonceng?n=3");
        assert_eq!(unknown.poll_url(), "/notifikasi/lonceng");
        let english = Bell::new(Tr::new(Lang::En), Some(1));
        assert_eq!(english.label, "Notifications: 1 unread");
    }
}
