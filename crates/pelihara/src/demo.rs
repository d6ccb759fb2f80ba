//! `pelihara demo`: a fresh data folder with Dinkominfo Demak's positions, an admin, OPDs with
//! their operators, a dozen apps and requests at different steps (one overdue), then the
//! server on it. Demo data only: every password is the same and printed.

use std::path::Path;

use anyhow::Context as _;
use argon2::password_hash::{PasswordHasher, SaltString, rand_core::OsRng};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use pelihara_domain::agenda::AgendaFormat;
use pelihara_domain::{
    Actor, AppId, CaseId, Command, Confidentiality, DocumentRef, HostingRecord, OpdId,
    RegistrationInput, Role, SubmitInput, Urgency, Verdict,
};
use pelihara_store::people::NewUser;
use pelihara_store::register::NewApp;
use pelihara_store::{AuditSource, BlobStore, SopCatalog, Store};

use crate::runtime;

pub const DEMO_PASSWORD: &str = "demo-pelihara";

/// Printed with the demo's logins: the demo turns off what a real installation requires.
pub const DEMO_TOTP_NOTE: &str = "Demo: verifikasi dua langkah (TOTP) tidak diwajibkan untuk admin \
     (instalasi sungguhan mewajibkannya; atur di /admin/keamanan).";

/// (username, full name, role, positions)
const STAFF: [(&str, &str, Role, &[&str]); 9] = [
    ("admin", "Administrator Pelihara", Role::Admin, &[]),
    (
        "kadis",
        "Dra. Endah Cahya Rini, MM",
        Role::Staff,
        &["kepala_dinas"],
    ),
    (
        "sekretaris",
        "Ir. Bambang Setiawan",
        Role::Staff,
        &["sekretaris"],
    ),
    (
        "kabid",
        "Agus Prasetyo, S.Kom",
        Role::Staff,
        &["kabid_aptika"],
    ),
    (
        "subkoor",
        "Dewi Lestari, S.T",
        Role::Staff,
        &["subkoor_spa"],
    ),
    (
        "pelaksana1",
        "Budi Santoso, A.Md",
        Role::Staff,
        &["pelaksana"],
    ),
    (
        "pelaksana2",
        "Rina Wulandari, S.Kom",
        Role::Staff,
        &["pelaksana"],
    ),
    ("jaringan", "Joko Susilo", Role::Staff, &["tim_jaringan"]),
    ("auditor", "Inspektorat Kabupaten Demak", Role::Auditor, &[]),
];

/// An OPD of the demo: code, name, operator username, and its apps as (name, URL).
type DemoOpd = (
    &'static str,
    &'static str,
    &'static str,
    &'static [(&'static str, &'static str)],
);

const OPDS: [DemoOpd; 5] = [
    (
        "DINKES",
        "Dinas Kesehatan",
        "op.dinkes",
        &[
            ("Website Dinas Kesehatan", "https://dinkes.demakkab.go.id"),
            ("SIMPUS", "https://simpus.demakkab.go.id"),
            ("Sistem Rujukan Online", "https://rujukan.demakkab.go.id"),
        ],
    ),
    (
        "DISDIKBUD",
        "Dinas Pendidikan dan Kebudayaan",
        "op.disdikbud",
        &[
            ("Website Disdikbud", "https://disdikbud.demakkab.go.id"),
            ("PPDB Online", "https://ppdb.demakkab.go.id"),
        ],
    ),
    (
        "BAPPEDA",
        "Badan Perencanaan Pembangunan Daerah",
        "op.bappeda",
        &[
            ("Website Bappeda", "https://bappeda.demakkab.go.id"),
            ("E-Planning", "https://eplanning.demakkab.go.id"),
        ],
    ),
    (
        "DPMPTSP",
        "Dinas Penanaman Modal dan PTSP",
        "op.dpmptsp",
        &[
            ("Website DPMPTSP", "https://dpmptsp.demakkab.go.id"),
            ("SiCantik Perizinan", "https://perizinan.demakkab.go.id"),
        ],
    ),
    (
        "DISDUKCAPIL",
        "Dinas Kependudukan dan Pencatatan Sipil",
        "op.dukcapil",
        &[
            ("Website Dukcapil", "https://dukcapil.demakkab.go.id"),
            ("Antrian Online", "https://antrian.demakkab.go.id"),
            ("Layanan Akta Online", "https://akta.demakkab.go.id"),
        ],
    ),
];

fn hash(password: &str) -> anyhow::Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    argon2::Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|error| anyhow::anyhow!("hashing a password: {error}"))
}

struct Demo {
    store: Store,
    blobs: BlobStore,
    catalog: SopCatalog,
    calendar: pelihara_calendar::WorkingCalendar,
    agenda: AgendaFormat,
}

impl Demo {
    async fn actor(&self, username: &str) -> anyhow::Result<Actor> {
        let stored = self
            .store
            .user_by_username(username)
            .await?
            .with_context(|| format!("demo user {username}"))?;
        self.store
            .actor(stored.user.id)
            .await?
            .context("demo actor")
    }

    async fn act(
        &self,
        case: CaseId,
        username: &str,
        at: DateTime<Utc>,
        command: Command,
    ) -> anyhow::Result<()> {
        let actor = self.actor(username).await?;
        let source = AuditSource {
            actor_id: Some(actor.user.id),
            actor_name: actor.user.full_name.clone(),
            address: "demo".into(),
        };
        self.store
            .act(
                &self.catalog,
                &self.calendar,
                &self.agenda,
                case,
                &actor,
                None,
                command,
                at,
                &source,
            )
            .await?;
        Ok(())
    }

    async fn submit(
        &self,
        operator: &str,
        opd: OpdId,
        app: AppId,
        subject: &str,
        at: DateTime<Utc>,
    ) -> anyhow::Result<CaseId> {
        let actor = self.actor(operator).await?;
        let letter = demo_letter(subject);
        let sha256 = self.blobs.put(&letter).await?;
        let sop = self
            .catalog
            .current("pemeliharaan-aplikasi-website")
            .context("shipped SOP")?;
        let source = AuditSource {
            actor_id: Some(actor.user.id),
            actor_name: actor.user.full_name.clone(),
            address: "demo".into(),
        };
        let tracking_code = pelihara_domain::new_tracking_code();
        let state = self
            .store
            .submit_case(
                &sop,
                &self.calendar,
                &actor,
                SubmitInput {
                    opd_id: Some(opd),
                    app_id: Some(app),
                    subject: subject.into(),
                    description: format!("Mohon pemeliharaan: {subject}."),
                    letter: Some(DocumentRef {
                        sha256,
                        file_name: "surat-permohonan.pdf".into(),
                        size: letter.len() as u64,
                        media_type: "application/pdf".into(),
                    }),
                    intake: Default::default(),
                    tracking_code,
                },
                at,
                &source,
            )
            .await?;
        Ok(state.case.id)
    }
}

/// A small, valid one-page PDF standing in for a scanned letter.
fn demo_letter(subject: &str) -> Vec<u8> {
    let text: String = subject
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == ' ')
        .collect();
    let content = format!("BT /F1 14 Tf 72 760 Td (Surat permohonan: {text}) Tj ET");
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_owned(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_owned(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>".to_owned(),
        format!("<< /Length {} >>\nstream\n{content}\nendstream", content.len()),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_owned(),
    ];
    let mut pdf = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (index, object) in objects.iter().enumerate() {
        offsets.push(pdf.len());
        pdf.extend_from_slice(format!("{} 0 obj\n{object}\nendobj\n", index + 1).as_bytes());
    }
    let xref = pdf.len();
    pdf.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes(),
    );
    for offset in offsets {
        pdf.extend_from_slice(format!("{offset:010} 00000 n \n").as_bytes());
    }
    pdf.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    pdf
}

fn register_letter(classification: &str) -> Command {
    Command::RegisterLetter(RegistrationInput {
        classification: classification.into(),
        urgency: Urgency::Biasa,
        confidentiality: Confidentiality::Biasa,
        letter_number: "000.5.2.3/123/2026".into(),
        letter_date: NaiveDate::from_ymd_opt(2026, 1, 5).unwrap_or_default(),
    })
}

fn dispose() -> Command {
    Command::Dispose {
        instructions: vec!["Tindak lanjuti".into()],
        note: "Mohon segera ditindaklanjuti.".into(),
    }
}

/// Fills a fresh database with the demo organisation and requests; returns the logins.
/// `public_base_url`: where the demo serves (the signed monitoring form's PDF prints it in
/// its verification QR).
pub async fn seed(
    data_dir: &Path,
    store: Store,
    public_base_url: &str,
    now: DateTime<Utc>,
) -> anyhow::Result<Vec<(String, String, String)>> {
    let system = AuditSource::cli("demo");
    let password_hash = hash(DEMO_PASSWORD)?;
    let mut logins = Vec::new();
    for (username, full_name, role, positions) in STAFF {
        store
            .create_user(
                NewUser {
                    username: username.into(),
                    full_name: full_name.into(),
                    // The SOP monitoring assessor signs with a NIP (an invented one).
                    nip: (username == "kabid").then(|| "197805122005011003".to_owned()),
                    // Reserved example addresses (RFC 2606): a demo copy served with a mail relay
                    // must never mail real people.
                    email: Some(format!("{username}@demo.example")),
                    role,
                    positions: positions.iter().map(|p| p.to_string()).collect(),
                    opd_id: None,
                    password_hash: password_hash.clone(),
                },
                &system,
                now,
            )
            .await?;
        let what = if positions.is_empty() {
            role.code().to_owned()
        } else {
            positions.join(", ")
        };
        logins.push((username.to_owned(), full_name.to_owned(), what));
    }
    let mut opds = Vec::new();
    for (code, name, operator, apps) in OPDS {
        let opd = store.create_opd(code, name, &system, now).await?;
        store
            .create_user(
                NewUser {
                    username: operator.into(),
                    full_name: format!("Operator {name}"),
                    nip: None,
                    email: Some(format!("{operator}@demo.example")),
                    role: Role::OpdOperator,
                    positions: Vec::new(),
                    opd_id: Some(opd),
                    password_hash: password_hash.clone(),
                },
                &system,
                now,
            )
            .await?;
        logins.push((
            operator.to_owned(),
            format!("Operator {name}"),
            format!("OPD {code}"),
        ));
        let mut app_ids = Vec::new();
        for (app_name, url) in apps.iter() {
            let domain = url.trim_start_matches("https://").to_owned();
            let id = store
                .create_app(
                    opd,
                    NewApp {
                        name: (*app_name).into(),
                        url: (*url).into(),
                        domain,
                        hosting: "Server Dinkominfo (DC Demak)".into(),
                        stack: "PHP / MySQL".into(),
                        notes: String::new(),
                    },
                    &system,
                    now,
                )
                .await?;
            app_ids.push(id);
        }
        opds.push((opd, operator, app_ids));
    }
    // The letterhead the documents print (admins change it on /admin/kop). Demo contact
    // details in the shape a Demak office uses; no emblem is shipped, so none is set.
    let catalog = store.sop_catalog().await?;
    let sop = catalog
        .current("pemeliharaan-aplikasi-website")
        .context("shipped SOP")?;
    let letterhead_setting = pelihara_web::LetterheadSetting {
        address: "Jalan Kyai Singkil Nomor 7, Demak, Jawa Tengah 59511".into(),
        phone: "(0291) 685877".into(),
        email: "dinkominfo@demakkab.go.id".into(),
        website: "dinkominfo.demakkab.go.id".into(),
        short_name: "Dinkominfo".into(),
        // Western Indonesian time, the civil-service week, the default agenda numbers: stated,
        // so the identity page shows what the office works by.
        time_zone: "Asia/Jakarta".into(),
        week: Some(pelihara_calendar::WeekSchedule::default()),
        agenda_format: AgendaFormat::default().as_str().to_owned(),
        ..pelihara_web::LetterheadSetting::from_sop_header(&sop.header)
    };
    store
        .set_office_identity(&letterhead_setting.to_value(), &system, now)
        .await?;
    // Every demo login is printed with one shared password: asking the demo's admin for a
    // TOTP code would only hide the admin pages. The demo says so when it starts
    // (`DEMO_TOTP_NOTE`); an admin turns it back on at /admin/keamanan.
    store.set_totp_required_roles(&[], &system, now).await?;
    let demo = Demo {
        catalog,
        calendar: store.working_calendar().await?,
        blobs: BlobStore::for_store(&store, runtime::documents_dir(data_dir)),
        agenda: store.office_identity().await?.rules.agenda,
        store,
    };
    let app = |opd: usize, app: usize| {
        opds.get(opd)
            .and_then(|(_, _, apps)| apps.get(app).copied())
    };
    let opd = |index: usize| opds.get(index).map(|(id, operator, _)| (*id, *operator));
    let (dinkes, op_dinkes) = opd(0).context("demo OPD")?;
    let (disdik, op_disdik) = opd(1).context("demo OPD")?;
    let (bappeda, op_bappeda) = opd(2).context("demo OPD")?;
    let (dukcapil, op_dukcapil) = opd(4).context("demo OPD")?;

    // Waiting for the Pelaksana to register it: just arrived.
    demo.submit(
        op_dinkes,
        dinkes,
        app(0, 1).context("app")?,
        "Perbaikan modul laporan SIMPUS",
        now - Duration::minutes(3),
    )
    .await?;
    // Waiting for the Head's disposition.
    let case = demo
        .submit(
            op_disdik,
            disdik,
            app(1, 1).context("app")?,
            "Pemeliharaan PPDB Online menjelang pendaftaran",
            now - Duration::hours(2),
        )
        .await?;
    demo.act(
        case,
        "pelaksana1",
        now - Duration::hours(2) + Duration::minutes(4),
        register_letter("000.5.2.3"),
    )
    .await?;
    // In maintenance and overdue: started seven weeks ago.
    let started = now - Duration::days(49);
    let case = demo
        .submit(
            op_bappeda,
            bappeda,
            app(2, 1).context("app")?,
            "Pembaruan E-Planning tahun anggaran 2027",
            started,
        )
        .await?;
    demo.act(
        case,
        "pelaksana1",
        started + Duration::minutes(5),
        register_letter("000.5.2.3"),
    )
    .await?;
    for (who, minutes) in [("kadis", 20), ("sekretaris", 30), ("kabid", 40)] {
        demo.act(case, who, started + Duration::minutes(minutes), dispose())
            .await?;
    }
    demo.act(
        case,
        "subkoor",
        started + Duration::days(1),
        Command::Analyse {
            findings: "Framework usang; modul RKA perlu diperbarui.".into(),
            verdict: Verdict::Maintainable,
            recommendation: "Perbarui framework dan modul RKA.".into(),
        },
    )
    .await?;
    // Returned to the OPD for completion.
    let case = demo
        .submit(
            op_dukcapil,
            dukcapil,
            app(4, 1).context("app")?,
            "Antrian online tidak mengirim notifikasi",
            now - Duration::days(1),
        )
        .await?;
    demo.act(
        case,
        "pelaksana2",
        now - Duration::days(1) + Duration::minutes(3),
        Command::ReturnToOpd {
            reason: "Surat permohonan belum ditandatangani Kepala OPD.".into(),
        },
    )
    .await?;
    // Done last month.
    let done = now - Duration::days(40);
    let case = demo
        .submit(
            op_dinkes,
            dinkes,
            app(0, 0).context("app")?,
            "Pembaruan tampilan website Dinas Kesehatan",
            done,
        )
        .await?;
    demo.act(
        case,
        "pelaksana2",
        done + Duration::minutes(4),
        register_letter("000.5.2.3"),
    )
    .await?;
    for (who, minutes) in [("kadis", 12), ("sekretaris", 20), ("kabid", 28)] {
        demo.act(case, who, done + Duration::minutes(minutes), dispose())
            .await?;
    }
    demo.act(
        case,
        "subkoor",
        done + Duration::days(1),
        Command::Analyse {
            findings: "Tema lama tidak responsif.".into(),
            verdict: Verdict::Maintainable,
            recommendation: "Ganti tema.".into(),
        },
    )
    .await?;
    demo.act(
        case,
        "pelaksana2",
        done + Duration::days(10),
        Command::Maintain {
            work_log: "Tema diganti, plugin diperbarui.".into(),
            result: "Website responsif.".into(),
            version: "3.0".into(),
        },
    )
    .await?;
    demo.act(
        case,
        "pelaksana2",
        done + Duration::days(11),
        Command::Host(HostingRecord {
            server: "web-01.dc.demakkab.go.id".into(),
            domain: "dinkes.demakkab.go.id".into(),
            url: "https://dinkes.demakkab.go.id".into(),
            dns_configured: true,
            certificate_installed: true,
            deployed: true,
            network_officer: "Joko Susilo".into(),
            notes: String::new(),
        }),
    )
    .await?;
    let presented = done + Duration::days(12);
    demo.act(
        case,
        "subkoor",
        presented,
        Command::Present {
            held_at: presented,
            place: "Ruang rapat Dinkominfo".into(),
            attendees: "Dinkes: 2 orang; Dinkominfo: 3 orang".into(),
            summary: "Tampilan baru dipaparkan dan diuji bersama.".into(),
        },
    )
    .await?;
    demo.act(
        case,
        op_dinkes,
        presented + Duration::hours(1),
        Command::Accept {
            note: "Hasil diterima.".into(),
        },
    )
    .await?;
    periodic_maintenance(&demo, dinkes, disdik, now).await?;
    let finished_apps: Vec<(OpdId, &str, AppId)> = opds
        .iter()
        .enumerate()
        .filter_map(|(index, (opd, operator, apps))| {
            // Apps no case above is about, so no two cases of one app overlap.
            let app = if index == 0 || index == 4 {
                apps.get(2)
            } else if index == 3 {
                apps.get(1)
            } else {
                apps.first()
            };
            app.map(|app| (*opd, *operator, *app))
        })
        .collect();
    finished_over_months(&demo, &finished_apps, now).await?;
    skm_history(&demo.store, now).await?;
    monitoring_form(data_dir, &demo.store, public_base_url, now).await?;
    Ok(logins)
}

/// The SOP monitoring form of the previous half-year, signed: the admin appointed the Kabid
/// assessor, who took the page's proposal (from the months of finished requests above),
/// judged the steps without tasks by observation, wrote the actions for the steps below the
/// threshold, saved and paraf-signed it.
async fn monitoring_form(
    data_dir: &Path,
    store: &Store,
    public_base_url: &str,
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    use pelihara_domain::monitoring::{Assessment, HalfYear};
    use pelihara_store::monitoring::{Assessor, SaveOutcome, SignOutcome};

    let kabid = store
        .user_by_username("kabid")
        .await?
        .context("the demo's Kabid")?
        .user;
    store
        .set_assessor(kabid.id, true, &AuditSource::cli("demo"), now)
        .await?;
    let services = runtime::services(store.clone(), data_dir).await?;
    let half = HalfYear::of(services.calendar.snapshot().local_date(now)).previous();
    let Some(mut draft) = pelihara_web::monitoring_proposal(
        &services,
        pelihara_i18n::Lang::Id,
        "pemeliharaan-aplikasi-website",
        half,
    )
    .await
    .map_err(|error| anyhow::anyhow!("the monitoring proposal: {error}"))?
    else {
        return Ok(());
    };
    for row in &mut draft.rows {
        match row.assessment {
            Some(Assessment::NotGood) => {
                row.action = "Telusuri penyebab keterlambatan bersama pelaksana langkah ini;                               pantau setiap bulan pada laporan Mutu Baku."
                    .into();
            }
            Some(Assessment::Good) => {}
            None => {
                row.assessment = Some(Assessment::Good);
                row.note.push_str(" Diamati langsung: berjalan sesuai SOP.");
            }
        }
    }
    let assessor = Assessor {
        id: kabid.id,
        name: kabid.full_name.clone(),
        nip: kabid.nip.clone().unwrap_or_default(),
    };
    let source = AuditSource {
        actor_id: Some(kabid.id),
        actor_name: kabid.full_name.clone(),
        address: "demo".into(),
    };
    let SaveOutcome::Saved(form) = store
        .save_monitoring_draft(&draft, None, &assessor, &source, now)
        .await?
    else {
        anyhow::bail!("the demo's monitoring form was not saved");
    };
    // Signed as on the page: the form's PDF is issued with the signature.
    match pelihara_web::sign_and_issue(
        &services,
        public_base_url,
        pelihara_web::Tr::new(pelihara_i18n::Lang::Id),
        &form,
        form.revision,
        &assessor,
        &source,
        now,
    )
    .await
    .map_err(|error| anyhow::anyhow!("signing the monitoring form: {error}"))?
    {
        SignOutcome::Signed(_) => Ok(()),
        other => anyhow::bail!("the demo's monitoring form was not signed: {other:?}"),
    }
}

/// Requests done over the six months before `now`, one per OPD a month, so that the
/// dashboard's charts and the Mutu Baku report have months to show: most within their
/// standards, some late at registration or disposition, some slow to analyse or maintain.
/// Every moment is moved into office hours, like real work.
async fn finished_over_months(
    demo: &Demo,
    apps: &[(OpdId, &str, AppId)],
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    let office = |t: DateTime<Utc>| demo.calendar.next_working_instant(t).unwrap_or(t);
    for months_back in (1..=6_i64).rev() {
        for (index, (opd, operator, app)) in apps.iter().enumerate() {
            let shift = i64::try_from(index).unwrap_or(0);
            let variant = if months_back == 1 {
                shift % 2
            } else {
                (months_back + shift) % 4
            };
            // (registration min, each disposition min, analysis days, maintenance days,
            // hosting days): variant 0 within every standard; 1 late at registration and
            // disposition; 2 slow to analyse; 3 slow to maintain and host.
            let (register_after, dispose_after, analyse_days, maintain_days, host_days) =
                match variant {
                    0 => (3, 8, 1, 9, 1),
                    1 => (14, 25, 1, 12, 1),
                    2 => (4, 9, 4, 20, 2),
                    _ => (5, 7, 2, 40, 4),
                };
            let mut at = office(now - Duration::days(months_back * 30 + shift * 4));
            let subject = format!(
                "Pemeliharaan berkala {} ({} bulan lalu)",
                ["aplikasi", "website", "layanan"][index % 3],
                months_back
            );
            let case = demo.submit(operator, *opd, *app, &subject, at).await?;
            at = office(at + Duration::minutes(register_after));
            let pelaksana = if index % 2 == 0 {
                "pelaksana1"
            } else {
                "pelaksana2"
            };
            demo.act(case, pelaksana, at, register_letter("000.5.2.3"))
                .await?;
            for who in ["kadis", "sekretaris", "kabid"] {
                at = office(at + Duration::minutes(dispose_after));
                demo.act(case, who, at, dispose()).await?;
            }
            at = office(at + Duration::days(analyse_days));
            demo.act(
                case,
                "subkoor",
                at,
                Command::Analyse {
                    findings: "Pembaruan pustaka dan perbaikan kecil.".into(),
                    verdict: Verdict::Maintainable,
                    recommendation: String::new(),
                },
            )
            .await?;
            at = office(at + Duration::days(maintain_days));
            if at >= now {
                continue;
            }
            demo.act(
                case,
                pelaksana,
                at,
                Command::Maintain {
                    work_log: "Pustaka diperbarui, formulir diperbaiki.".into(),
                    result: "Berjalan normal.".into(),
                    version: format!("2.{months_back}"),
                },
            )
            .await?;
            at = office(at + Duration::days(host_days));
            if at >= now {
                continue;
            }
            demo.act(
                case,
                pelaksana,
                at,
                Command::Host(HostingRecord {
                    server: "web-01.dc.demakkab.go.id".into(),
                    domain: "layanan.demakkab.go.id".into(),
                    url: "https://layanan.demakkab.go.id".into(),
                    dns_configured: true,
                    certificate_installed: true,
                    deployed: true,
                    network_officer: "Joko Susilo".into(),
                    notes: String::new(),
                }),
            )
            .await?;
            at = office(at + Duration::hours(1));
            let presented = at;
            demo.act(
                case,
                "subkoor",
                at,
                Command::Present {
                    held_at: presented,
                    place: "Ruang rapat Dinkominfo".into(),
                    attendees: "OPD dan Dinkominfo".into(),
                    summary: "Hasil pemeliharaan dipaparkan.".into(),
                },
            )
            .await?;
            at = office(at + Duration::minutes(40));
            if at >= now {
                continue;
            }
            demo.act(
                case,
                operator,
                at,
                Command::Accept {
                    note: "Hasil diterima.".into(),
                },
            )
            .await?;
        }
    }
    Ok(())
}

/// Suggestions the demo's respondents wrote.
const SKM_SUGGESTIONS: [&str; 8] = [
    "Mohon kabar perkembangan permohonan dikirim lewat WhatsApp juga.",
    "Waktu tunggu disposisi masih agak lama.",
    "Petugas ramah dan sigap, terima kasih.",
    "Ruang rapat untuk paparan perlu proyektor yang lebih terang.",
    "Persyaratan surat permohonan sebaiknya dicantumkan di website.",
    "Pelayanan sudah baik, pertahankan.",
    "Perlu kanal pengaduan yang menjawab lebih cepat.",
    "Hasil pemeliharaan sesuai permintaan.",
];

/// Eight months of survey answers, so the SKM report has a history to show: a few answers a
/// month, mostly "baik" with weaker waktu and pengaduan, from a fixed pseudo-random sequence
/// (the same demo every time).
async fn skm_history(store: &Store, now: DateTime<Utc>) -> anyhow::Result<()> {
    use pelihara_domain::skm::{AnswerForm, SurveyAnswer};
    let mut seed: u64 = 0x5eed_5c0f;
    let mut next = move |below: u64| {
        seed = seed
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (seed >> 33) % below
    };
    let mut answers = Vec::new();
    for month in 1..=8_i64 {
        let count = 4 + next(6);
        for index in 0..count {
            let at = now - Duration::days(month * 30 - i64::try_from(index * 3).unwrap_or(0));
            // Waktu (2) and pengaduan (7) lean lower; the others are mostly 3 or 4.
            let scores: Vec<String> = (0..9)
                .map(|unsur| {
                    let low = if unsur == 2 || unsur == 7 { 2 } else { 3 };
                    (low + next(2)).to_string()
                })
                .collect();
            let suggestion = if next(3) == 0 {
                SKM_SUGGESTIONS[usize::try_from(next(8)).unwrap_or(0)]
            } else {
                ""
            };
            let education = ["sma", "s1", "s1", "s2"][usize::try_from(next(4)).unwrap_or(0)];
            let form = AnswerForm {
                scores: std::array::from_fn(|unsur| Some(scores[unsur].as_str())),
                age: "",
                sex: ["l", "p"][usize::try_from(next(2)).unwrap_or(0)],
                education,
                occupation: "pns",
                suggestion,
            };
            let answer = SurveyAnswer::parse(&form)
                .map_err(|problems| anyhow::anyhow!("demo survey answer: {problems:?}"))?;
            answers.push((at, answer));
        }
    }
    store
        .insert_skm_responses(&answers, &AuditSource::cli("demo"), now)
        .await?;
    Ok(())
}

/// The register's periodic maintenance in the demo: an app registered fourteen months ago
/// and never maintained (overdue, with a draft request Pelaksana prepared for the OPD to
/// confirm) and one whose year ends in about two weeks (due soon).
async fn periodic_maintenance(
    demo: &Demo,
    dinkes: pelihara_domain::OpdId,
    disdik: pelihara_domain::OpdId,
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    let system = AuditSource::cli("demo");
    let old_app = |name: &str, url: &str| NewApp {
        name: name.into(),
        url: url.into(),
        domain: url.trim_start_matches("https://").to_owned(),
        hosting: "Server Dinkominfo (DC Demak)".into(),
        stack: "PHP / MySQL".into(),
        notes: String::new(),
    };
    let overdue = demo
        .store
        .create_app(
            dinkes,
            old_app("Antrean Puskesmas", "https://antrean.demakkab.go.id"),
            &system,
            now - Duration::days(425),
        )
        .await?;
    demo.store
        .create_app(
            disdik,
            old_app("Website Sekolah Demak", "https://sekolah.demakkab.go.id"),
            &system,
            now - Duration::days(350),
        )
        .await?;
    let policy = demo.store.maintenance_policy(12).await?;
    let pelaksana = demo.actor("pelaksana1").await?;
    let source = AuditSource {
        actor_id: Some(pelaksana.user.id),
        actor_name: pelaksana.user.full_name.clone(),
        address: "demo".into(),
    };
    demo.store
        .prepare_maintenance_draft(
            overdue,
            &demo.calendar,
            &policy,
            now - Duration::hours(1),
            pelihara_store::maintenance::DraftOrigin::Manual,
            &source,
        )
        .await?;
    Ok(())
}
