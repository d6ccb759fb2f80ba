//! Walks cases through the shipped Demak SOP with an injected clock: the whole path, every
//! detour (return, reject, withdraw, skip, send back, recall), acting officials, refusals and
//! the SLA arithmetic over weekends and holidays.

// A failed unwrap is the failure report a test wants.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use chrono_tz::Asia::Jakarta;
use pelihara_calendar::WorkingCalendar;
use pelihara_domain::sla::{self, SlaState};
use pelihara_domain::*;
use pelihara_sop::SopDefinition;

// Starting cases of SOPs other than Demak's: requester kinds, letter, app and extra fields.
#[path = "engine/intake.rs"]
mod intake;

const SOP_TEXT: &str = include_str!("../../../sop/pemeliharaan-aplikasi-website.toml");

fn sop() -> SopDefinition {
    pelihara_sop::parse_definition("pemeliharaan-aplikasi-website.toml", SOP_TEXT)
        .expect("the shipped SOP is valid")
}

/// A moment in WIB.
fn wib(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
    Jakarta
        .with_ymd_and_hms(y, m, d, h, min, 0)
        .single()
        .unwrap()
        .with_timezone(&Utc)
}

struct World {
    sop: SopDefinition,
    calendar: WorkingCalendar,
    opd: OpdId,
    operator: Actor,
    other_operator: Actor,
    pelaksana: Actor,
    kadis: Actor,
    sekretaris: Actor,
    kabid: Actor,
    subkoor: Actor,
    admin: Actor,
}

fn person(name: &str, role: Role, positions: &[&str], opd: Option<OpdId>) -> Actor {
    Actor {
        user: User {
            id: UserId::random(),
            username: name.to_lowercase().replace(' ', "."),
            full_name: name.to_owned(),
            nip: None,
            role,
            positions: positions.iter().map(|p| p.to_string()).collect(),
            opd_id: opd,
            active: true,
        },
        delegations: Vec::new(),
    }
}

fn world() -> World {
    let opd = OpdId::random();
    let other_opd = OpdId::random();
    World {
        sop: sop(),
        calendar: WorkingCalendar::indonesia_default().unwrap(),
        opd,
        operator: person("Operator Dinkes", Role::OpdOperator, &[], Some(opd)),
        other_operator: person("Operator Disdik", Role::OpdOperator, &[], Some(other_opd)),
        pelaksana: person("Budi Pelaksana", Role::Staff, &["pelaksana"], None),
        kadis: person("Endah Kadis", Role::Staff, &["kepala_dinas"], None),
        sekretaris: person("Sri Sekretaris", Role::Staff, &["sekretaris"], None),
        kabid: person("Agus Kabid", Role::Staff, &["kabid_aptika"], None),
        subkoor: person("Dewi Subkoor", Role::Staff, &["subkoor_spa"], None),
        admin: person("Admin", Role::Admin, &[], None),
    }
}

fn letter() -> DocumentRef {
    DocumentRef {
        sha256: "a".repeat(64),
        file_name: "surat.pdf".into(),
        size: 1234,
        media_type: "application/pdf".into(),
    }
}

impl World {
    fn ctx(&self, now: DateTime<Utc>) -> Context<'_> {
        Context {
            sop: &self.sop,
            calendar: &self.calendar,
            now,
        }
    }

    fn submit(&self, now: DateTime<Utc>) -> CaseState {
        let transition = submit(
            self.ctx(now),
            &self.operator,
            SubmitInput {
                opd_id: Some(self.opd),
                app_id: Some(AppId::random()),
                subject: "Pemeliharaan website Dinkes".into(),
                description: "Formulir pengaduan tidak terkirim".into(),
                letter: Some(letter()),
                tracking_code: "PLH-TEST-0001".into(),
                ..SubmitInput::default()
            },
        )
        .unwrap();
        let mut state = CaseState {
            case: transition.case.clone(),
            tasks: Vec::new(),
            entries: Vec::new(),
        };
        merge(&mut state, transition);
        state
    }

    fn act(&self, state: &mut CaseState, actor: &Actor, now: DateTime<Utc>, command: Command) {
        let transition = apply(self.ctx(now), state, actor, None, command).unwrap();
        merge(state, transition);
    }

    fn refuse(
        &self,
        state: &CaseState,
        actor: &Actor,
        now: DateTime<Utc>,
        command: Command,
    ) -> Refusal {
        apply(self.ctx(now), state, actor, None, command).unwrap_err()
    }
}

/// Applies a transition the way the store does: replace changed tasks, add new ones.
fn merge(state: &mut CaseState, mut transition: Transition) {
    if transition.needs_agenda_number.is_some() {
        transition.assign_agenda_number(1, "0001/000.5.2.3/2026".into());
    }
    state.case = transition.case;
    for task in transition.tasks {
        match state
            .tasks
            .iter_mut()
            .find(|existing| existing.id == task.id)
        {
            Some(existing) => *existing = task,
            None => state.tasks.push(task),
        }
    }
    state.entries.extend(transition.entries);
}

fn register_letter() -> Command {
    Command::RegisterLetter(RegistrationInput {
        classification: "000.5.2.3".into(),
        urgency: Urgency::Segera,
        confidentiality: Confidentiality::Biasa,
        letter_number: "005/123/2026".into(),
        letter_date: NaiveDate::from_ymd_opt(2026, 11, 16).unwrap(),
    })
}

fn dispose() -> Command {
    Command::Dispose {
        instructions: vec!["Tindak lanjuti".into()],
        note: "Segera ditangani".into(),
    }
}

fn analyse(verdict: Verdict) -> Command {
    Command::Analyse {
        findings: "Modul formulir gagal validasi".into(),
        verdict,
        recommendation: "Perbaiki validasi".into(),
    }
}

fn maintain() -> Command {
    Command::Maintain {
        work_log: "Perbaikan validasi formulir".into(),
        result: "Formulir berfungsi".into(),
        version: "2.1".into(),
    }
}

fn host() -> Command {
    Command::Host(HostingRecord {
        server: "srv-web-01".into(),
        domain: "dinkes.demakkab.go.id".into(),
        url: "https://dinkes.demakkab.go.id".into(),
        dns_configured: true,
        certificate_installed: true,
        deployed: true,
        network_officer: "Tim Jaringan".into(),
        notes: String::new(),
    })
}

fn present(at: DateTime<Utc>) -> Command {
    Command::Present {
        held_at: at,
        place: "Ruang rapat Dinkominfo".into(),
        attendees: "Dinkes, Dinkominfo".into(),
        summary: "Hasil pemeliharaan dipaparkan".into(),
    }
}

fn active(state: &CaseState) -> &Task {
    state.active_task().expect("an active task")
}

#[test]
fn a_request_walks_through_every_step_to_done() {
    let w = world();
    // Monday 23 November 2026, 08:00 WIB.
    let mut t = wib(2026, 11, 23, 8, 0);
    let mut state = w.submit(t);
    assert_eq!(state.case.status, CaseStatus::Open);
    assert_eq!(state.case.current_step, 2);
    assert_eq!(active(&state).position, "pelaksana");
    // Step 2's standard is 5 working minutes.
    assert_eq!(active(&state).due_at, Some(wib(2026, 11, 23, 8, 5)));

    t = wib(2026, 11, 23, 8, 3);
    w.act(&mut state, &w.pelaksana, t, register_letter());
    assert_eq!(
        state.case.agenda.as_ref().unwrap().number,
        "0001/000.5.2.3/2026"
    );
    assert_eq!(active(&state).position, "kepala_dinas");

    t = wib(2026, 11, 23, 9, 0);
    w.act(&mut state, &w.kadis, t, dispose());
    assert_eq!(active(&state).position, "sekretaris");
    w.act(&mut state, &w.sekretaris, t, dispose());
    assert_eq!(active(&state).position, "kabid_aptika");
    w.act(&mut state, &w.kabid, t, dispose());
    assert_eq!(active(&state).position, "subkoor_spa");
    assert_eq!(active(&state).step_no, 6);
    // Two working days from Monday 09:00 is Wednesday 09:00.
    assert_eq!(active(&state).due_at, Some(wib(2026, 11, 25, 9, 0)));

    t = wib(2026, 11, 24, 10, 0);
    w.act(&mut state, &w.subkoor, t, analyse(Verdict::Maintainable));
    assert_eq!(active(&state).step_no, 7);
    assert_eq!(active(&state).position, "pelaksana");
    t = wib(2026, 12, 1, 10, 0);
    w.act(&mut state, &w.pelaksana, t, maintain());
    assert_eq!(active(&state).step_no, 8);
    w.act(&mut state, &w.pelaksana, t, host());
    assert_eq!(active(&state).step_no, 9);
    assert_eq!(active(&state).position, "subkoor_spa");
    t = wib(2026, 12, 2, 10, 0);
    w.act(&mut state, &w.subkoor, t, present(t));
    // The OPD decides at step 9.
    let decide = active(&state);
    assert_eq!(decide.stage, TaskStage::Decide);
    assert_eq!(decide.position, "opd");
    assert_eq!(decide.opd_id, Some(w.opd));
    w.act(
        &mut state,
        &w.operator,
        t,
        Command::Accept {
            note: "Diterima".into(),
        },
    );

    assert_eq!(state.case.status, CaseStatus::Done);
    assert_eq!(state.case.current_step, 10);
    assert!(state.active_task().is_none());
    let kinds: Vec<&str> = state.entries.iter().map(|e| e.record.kind()).collect();
    assert_eq!(
        kinds,
        [
            "submission",
            "registration",
            "disposition",
            "disposition",
            "disposition",
            "analysis",
            "maintenance",
            "hosting",
            "presentation",
            "acceptance",
            "done"
        ]
    );
    // Every finished perform task measured its working time against its standard; the
    // network team's share of step 8 (joint: either completes it) was cancelled when the
    // Pelaksana recorded the hosting.
    for task in state.tasks.iter().filter(|task| {
        task.stage == TaskStage::Perform
            && !(task.step_no == 8
                && task.position == "tim_jaringan"
                && task.state == TaskState::Cancelled)
    }) {
        assert_eq!(task.state, TaskState::Done, "step {}", task.step_no);
        assert!(task.actual_seconds.is_some());
    }
    // Step 2 took 3 working minutes of 5: met. Step 3 took 57 minutes of 10: missed.
    let step = |no: u32| state.tasks.iter().find(|task| task.step_no == no).unwrap();
    assert_eq!(step(2).actual_seconds, Some(180));
    assert_eq!(
        sla::state(&w.calendar, step(2), t, 25),
        SlaState::MetStandard
    );
    assert_eq!(
        sla::state(&w.calendar, step(3), t, 25),
        SlaState::MissedStandard
    );
    // Nothing more can happen to a closed case.
    assert_eq!(
        w.refuse(
            &state,
            &w.operator,
            t,
            Command::Withdraw { reason: "x".into() }
        ),
        Refusal::CaseClosed(CaseStatus::Done)
    );
}

#[test]
fn dispositions_carry_a_paraf_that_detects_edits() {
    let w = world();
    let t = wib(2026, 11, 23, 8, 0);
    let mut state = w.submit(t);
    w.act(&mut state, &w.pelaksana, t, register_letter());
    w.act(&mut state, &w.kadis, t, dispose());
    let Record::Disposition(disposition) = &state.entries.last().unwrap().record else {
        panic!("expected a disposition");
    };
    assert_eq!(disposition.from_position, "kepala_dinas");
    assert_eq!(disposition.to_position, "sekretaris");
    assert!(disposition.paraf_is_intact(&state.case.letter.as_ref().unwrap().sha256));
    let mut edited = disposition.clone();
    edited.note.push_str(" (diubah)");
    assert!(!edited.paraf_is_intact(&state.case.letter.as_ref().unwrap().sha256));
    assert!(!disposition.paraf_is_intact(&"b".repeat(64)));
}

#[test]
fn a_return_pauses_the_clock_until_the_opd_resubmits() {
    let w = world();
    // Thursday 19 November 2026 15:00 WIB: the Head has 10 working minutes.
    let t0 = wib(2026, 11, 19, 15, 0);
    let mut state = w.submit(t0);
    w.act(&mut state, &w.pelaksana, t0, register_letter());
    assert_eq!(active(&state).due_at, Some(wib(2026, 11, 19, 15, 10)));
    // After 4 minutes the Head returns it for completion.
    w.act(
        &mut state,
        &w.kadis,
        wib(2026, 11, 19, 15, 4),
        Command::ReturnToOpd {
            reason: "Lampiran kurang".into(),
        },
    );
    assert_eq!(state.case.status, CaseStatus::Returned);
    assert_eq!(active(&state).state, TaskState::Paused);
    assert_eq!(active(&state).due_at, None);
    assert_eq!(
        sla::state(&w.calendar, active(&state), wib(2026, 11, 30, 9, 0), 25),
        SlaState::Paused
    );
    // Nobody at Dinkominfo can move it meanwhile.
    assert_eq!(
        w.refuse(&state, &w.kadis, wib(2026, 11, 19, 15, 5), dispose()),
        Refusal::WaitingOnOpd
    );
    // Another OPD cannot answer it.
    assert!(matches!(
        w.refuse(
            &state,
            &w.other_operator,
            wib(2026, 11, 20, 8, 0),
            Command::Resubmit {
                note: "x".into(),
                letter: None
            }
        ),
        Refusal::NotAllowed { .. }
    ));
    // The OPD answers the next Monday at 08:00: 6 minutes remain, so due 08:06.
    w.act(
        &mut state,
        &w.operator,
        wib(2026, 11, 23, 8, 0),
        Command::Resubmit {
            note: "Lampiran ditambahkan".into(),
            letter: None,
        },
    );
    assert_eq!(state.case.status, CaseStatus::Open);
    assert_eq!(active(&state).state, TaskState::Open);
    assert_eq!(active(&state).due_at, Some(wib(2026, 11, 23, 8, 6)));
    w.act(&mut state, &w.kadis, wib(2026, 11, 23, 8, 5), dispose());
    let head = state.tasks.iter().find(|task| task.step_no == 3).unwrap();
    // 4 minutes before the return + 5 after: 9 of 10 working minutes, met.
    assert_eq!(head.actual_seconds, Some(9 * 60));
    assert_eq!(
        sla::state(&w.calendar, head, wib(2026, 11, 23, 9, 0), 25),
        SlaState::MetStandard
    );
}

#[test]
fn a_rejection_ends_the_case_with_its_reason() {
    let w = world();
    let t = wib(2026, 11, 23, 8, 0);
    let mut state = w.submit(t);
    w.act(&mut state, &w.pelaksana, t, register_letter());
    w.act(&mut state, &w.kadis, t, dispose());
    // An empty reason is refused and changes nothing.
    assert_eq!(
        w.refuse(
            &state,
            &w.sekretaris,
            t,
            Command::Reject {
                reason: "  ".into()
            }
        ),
        Refusal::Invalid {
            field: "reason",
            problem: Problem::Required
        }
    );
    w.act(
        &mut state,
        &w.sekretaris,
        t,
        Command::Reject {
            reason: "Bukan kewenangan Dinkominfo".into(),
        },
    );
    assert_eq!(state.case.status, CaseStatus::Rejected);
    assert_eq!(
        state.case.closing_reason.as_deref(),
        Some("Bukan kewenangan Dinkominfo")
    );
    assert!(state.active_task().is_none());
}

#[test]
fn an_unmaintainable_verdict_rejects_and_steps_without_the_option_refuse() {
    let w = world();
    let t = wib(2026, 11, 23, 8, 0);
    let mut state = w.submit(t);
    w.act(&mut state, &w.pelaksana, t, register_letter());
    for actor in [&w.kadis, &w.sekretaris, &w.kabid] {
        w.act(&mut state, actor, t, dispose());
    }
    w.act(&mut state, &w.subkoor, t, analyse(Verdict::NotMaintainable));
    assert_eq!(state.case.status, CaseStatus::Rejected);
    assert_eq!(
        state.case.closing_reason.as_deref(),
        Some("Modul formulir gagal validasi")
    );

    // Step 7 may neither reject nor return nor be skipped.
    let mut state = w.submit(t);
    w.act(&mut state, &w.pelaksana, t, register_letter());
    for actor in [&w.kadis, &w.sekretaris, &w.kabid] {
        w.act(&mut state, actor, t, dispose());
    }
    w.act(&mut state, &w.subkoor, t, analyse(Verdict::Maintainable));
    assert_eq!(
        w.refuse(
            &state,
            &w.pelaksana,
            t,
            Command::Reject { reason: "x".into() }
        ),
        Refusal::MayNotReject { step: 7 }
    );
    assert_eq!(
        w.refuse(
            &state,
            &w.pelaksana,
            t,
            Command::ReturnToOpd { reason: "x".into() }
        ),
        Refusal::MayNotReturn { step: 7 }
    );
    assert_eq!(
        w.refuse(
            &state,
            &w.pelaksana,
            t,
            Command::Skip { reason: "x".into() }
        ),
        Refusal::MayNotSkip { step: 7 }
    );
    // A command of another step's form is refused.
    assert_eq!(
        w.refuse(&state, &w.pelaksana, t, host()),
        Refusal::WrongStep { step: 7 }
    );
}

#[test]
fn step_8_can_be_skipped_and_step_9_sent_back_to_maintenance() {
    let w = world();
    let t = wib(2026, 11, 23, 8, 0);
    let mut state = w.submit(t);
    w.act(&mut state, &w.pelaksana, t, register_letter());
    for actor in [&w.kadis, &w.sekretaris, &w.kabid] {
        w.act(&mut state, actor, t, dispose());
    }
    w.act(&mut state, &w.subkoor, t, analyse(Verdict::Maintainable));
    w.act(&mut state, &w.pelaksana, t, maintain());
    w.act(
        &mut state,
        &w.pelaksana,
        t,
        Command::Skip {
            reason: "Hosting dan domain tidak berubah".into(),
        },
    );
    assert_eq!(active(&state).step_no, 9);
    w.act(&mut state, &w.subkoor, t, present(t));
    // Only the case's own OPD decides; staff cannot accept on its behalf.
    assert!(matches!(
        w.refuse(
            &state,
            &w.subkoor,
            t,
            Command::Accept {
                note: String::new()
            }
        ),
        Refusal::NotAllowed { .. }
    ));
    assert!(matches!(
        w.refuse(
            &state,
            &w.other_operator,
            t,
            Command::Accept {
                note: String::new()
            }
        ),
        Refusal::NotAllowed { .. }
    ));
    w.act(
        &mut state,
        &w.operator,
        t,
        Command::SendBack {
            reason: "Laporan masih error".into(),
        },
    );
    assert_eq!(state.case.status, CaseStatus::Open);
    assert_eq!(active(&state).step_no, 7);
    assert_eq!(active(&state).stage, TaskStage::Perform);
    let kinds: Vec<&str> = state.entries.iter().map(|e| e.record.kind()).collect();
    assert!(kinds.ends_with(&["skipped", "presentation", "sent_back"]));
}

#[test]
fn the_opd_may_withdraw_an_open_or_returned_request() {
    let w = world();
    let t = wib(2026, 11, 23, 8, 0);
    let mut state = w.submit(t);
    w.act(&mut state, &w.pelaksana, t, register_letter());
    w.act(
        &mut state,
        &w.kadis,
        t,
        Command::ReturnToOpd {
            reason: "Lengkapi".into(),
        },
    );
    assert!(matches!(
        w.refuse(
            &state,
            &w.other_operator,
            t,
            Command::Withdraw { reason: "x".into() }
        ),
        Refusal::NotAllowed { .. }
    ));
    w.act(
        &mut state,
        &w.operator,
        t,
        Command::Withdraw {
            reason: "Sudah tidak diperlukan".into(),
        },
    );
    assert_eq!(state.case.status, CaseStatus::Withdrawn);
    assert!(state.tasks.iter().all(|task| !task.state.is_active()));
}

#[test]
fn acting_officials_act_within_their_dates_and_are_recorded() {
    let mut w = world();
    let t = wib(2026, 11, 23, 8, 0);
    let mut state = w.submit(t);
    w.act(&mut state, &w.pelaksana, t, register_letter());
    let delegation = Delegation {
        id: DelegationId::random(),
        position: "kepala_dinas".into(),
        kind: DelegationKind::Plh,
        delegate: w.sekretaris.user.id,
        official_name: "Endah Kadis".into(),
        from: wib(2026, 11, 23, 0, 0),
        until: wib(2026, 11, 24, 0, 0),
        revoked: false,
    };
    w.sekretaris.delegations.push(delegation);
    // After the period the delegation no longer counts.
    assert!(matches!(
        w.refuse(&state, &w.sekretaris, wib(2026, 11, 24, 8, 0), dispose()),
        Refusal::NotAllowed { .. }
    ));
    w.act(
        &mut state,
        &w.sekretaris,
        wib(2026, 11, 23, 9, 0),
        dispose(),
    );
    let entry = state.entries.last().unwrap();
    let acting = entry.acting.as_ref().expect("acting recorded");
    assert_eq!(acting.kind, DelegationKind::Plh);
    assert_eq!(acting.official_name, "Endah Kadis");
    assert_eq!(entry.by_name, "Sri Sekretaris");
    let Record::Disposition(disposition) = &entry.record else {
        panic!()
    };
    assert_eq!(
        disposition.paraf.acting.as_ref().unwrap().position,
        "kepala_dinas"
    );
    // The acting secretary then disposes in her own right at step 4.
    w.act(
        &mut state,
        &w.sekretaris,
        wib(2026, 11, 23, 9, 5),
        dispose(),
    );
    assert!(state.entries.last().unwrap().acting.is_none());
}

#[test]
fn nobody_acts_outside_their_position() {
    let w = world();
    let t = wib(2026, 11, 23, 8, 0);
    let state = w.submit(t);
    for actor in [&w.kadis, &w.admin, &w.operator, &w.subkoor] {
        assert!(
            matches!(
                w.refuse(&state, actor, t, register_letter()),
                Refusal::NotAllowed { .. }
            ),
            "{}",
            actor.user.full_name
        );
    }
    let mut disabled = w.pelaksana.clone();
    disabled.user.active = false;
    assert!(matches!(
        w.refuse(&state, &disabled, t, register_letter()),
        Refusal::NotAllowed { .. }
    ));
    // Only an operator of the OPD submits for it.
    let attempt = submit(
        w.ctx(t),
        &w.other_operator,
        SubmitInput {
            opd_id: Some(w.opd),
            app_id: Some(AppId::random()),
            subject: "x".into(),
            description: "y".into(),
            letter: Some(letter()),
            tracking_code: "PLH-X".into(),
            ..SubmitInput::default()
        },
    );
    assert!(matches!(attempt, Err(Refusal::NotAllowed { .. })));
    assert!(may_view(&w.operator, &state.case));
    assert!(!may_view(&w.other_operator, &state.case));
    assert!(may_view(&w.kadis, &state.case));
}

#[test]
fn a_claimed_task_belongs_to_its_claimer_and_a_done_step_names_who_did_it() {
    let w = world();
    let t = wib(2026, 11, 23, 8, 0);
    let mut state = w.submit(t);
    let second_pelaksana = person("Rina Pelaksana", Role::Staff, &["pelaksana"], None);
    w.act(&mut state, &second_pelaksana, t, Command::Claim);
    assert_eq!(
        w.refuse(&state, &w.pelaksana, t, register_letter()),
        Refusal::ClaimedByOther {
            by_name: "Rina Pelaksana".into()
        }
    );
    let before = state.clone();
    let step_2 = active(&state).id;
    w.act(&mut state, &second_pelaksana, t, register_letter());
    // A form shown for step 2 and sent after the registration names who registered it.
    assert_eq!(
        apply(
            w.ctx(t),
            &state,
            &second_pelaksana,
            Some(step_2),
            register_letter()
        )
        .unwrap_err(),
        Refusal::AlreadyDone {
            by_name: "Rina Pelaksana".into(),
            at: t
        }
    );
    // A second attempt on the state read before the registration (a concurrent request)
    // is refused by the store's version check; on the fresh state it names who did it.
    assert_eq!(before.case.version + 1, state.case.version);
    w.act(&mut state, &w.kadis, t, dispose());
    // The Head's step is done; the Head trying again gets "already done" only once no task
    // of theirs is open, which the disposition to the Secretary shows as not allowed.
    assert!(matches!(
        w.refuse(&state, &w.kadis, t, dispose()),
        Refusal::NotAllowed { .. }
    ));
}

#[test]
fn a_disposition_can_be_recalled_until_its_recipient_opens_it() {
    let w = world();
    let t = wib(2026, 11, 23, 8, 0);
    let mut state = w.submit(t);
    w.act(&mut state, &w.pelaksana, t, register_letter());
    w.act(&mut state, &w.kadis, t, dispose());
    // Someone else cannot recall the Head's disposition.
    assert_eq!(
        w.refuse(
            &state,
            &w.sekretaris,
            t,
            Command::Recall { reason: "x".into() }
        ),
        Refusal::MayNotRecall
    );
    w.act(
        &mut state,
        &w.kadis,
        t,
        Command::Recall {
            reason: "Salah instruksi".into(),
        },
    );
    assert_eq!(active(&state).step_no, 3);
    assert_eq!(active(&state).position, "kepala_dinas");
    w.act(&mut state, &w.kadis, t, dispose());
    // Once the Secretary has opened it, it can no longer be recalled.
    let index = state
        .tasks
        .iter()
        .position(|task| task.state == TaskState::Open)
        .unwrap();
    state.tasks[index].seen_at = Some(t);
    assert_eq!(
        w.refuse(&state, &w.kadis, t, Command::Recall { reason: "x".into() }),
        Refusal::MayNotRecall
    );
}

#[test]
fn bad_input_is_refused_with_the_field_named() {
    let w = world();
    let t = wib(2026, 11, 23, 8, 0);
    let mut state = w.submit(t);
    let mut input = RegistrationInput {
        classification: String::new(),
        urgency: Urgency::Biasa,
        confidentiality: Confidentiality::Biasa,
        letter_number: "1".into(),
        letter_date: NaiveDate::from_ymd_opt(2026, 11, 20).unwrap(),
    };
    assert_eq!(
        w.refuse(
            &state,
            &w.pelaksana,
            t,
            Command::RegisterLetter(input.clone())
        ),
        Refusal::Invalid {
            field: "classification",
            problem: Problem::Required
        }
    );
    input.classification = "005".into();
    input.letter_date = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
    assert_eq!(
        w.refuse(&state, &w.pelaksana, t, Command::RegisterLetter(input)),
        Refusal::Invalid {
            field: "letter_date",
            problem: Problem::InFuture
        }
    );
    w.act(&mut state, &w.pelaksana, t, register_letter());
    let refusal = w.refuse(
        &state,
        &w.kadis,
        t,
        Command::Dispose {
            instructions: vec!["Bakar suratnya".into()],
            note: String::new(),
        },
    );
    assert_eq!(
        refusal,
        Refusal::Invalid {
            field: "instructions",
            problem: Problem::NotAllowedValue
        }
    );
    assert_eq!(
        refusal.message(pelihara_i18n::Lang::Id),
        "Instruksi disposisi berisi pilihan yang tidak tersedia."
    );
    let long = "x".repeat(4_001);
    assert_eq!(
        w.refuse(
            &state,
            &w.kadis,
            t,
            Command::Dispose {
                instructions: vec![],
                note: long
            }
        ),
        Refusal::Invalid {
            field: "note",
            problem: Problem::TooLong { max: 4_000 }
        }
    );
}

#[test]
fn sla_badges_follow_working_time_over_weekends_and_holidays() {
    let w = world();
    // Friday 27 November 2026, 15:55 WIB; the Pelaksana has 5 working minutes: due 16:00.
    let t = wib(2026, 11, 27, 15, 55);
    let state = w.submit(t);
    let task = active(&state);
    assert_eq!(task.due_at, Some(wib(2026, 11, 27, 16, 0)));
    assert_eq!(
        sla::state(&w.calendar, task, wib(2026, 11, 27, 15, 56), 25),
        SlaState::OnTime
    );
    assert_eq!(
        sla::state(&w.calendar, task, wib(2026, 11, 27, 15, 59), 25),
        SlaState::DueSoon
    );
    // Over the weekend no working time passes, but 16:00 Friday is past.
    assert_eq!(
        sla::state(&w.calendar, task, wib(2026, 11, 28, 12, 0), 25),
        SlaState::Overdue
    );

    // Started Friday 15:58: 2 minutes on Friday, 3 on Monday: due Monday 07:33.
    let state = w.submit(wib(2026, 11, 27, 15, 58));
    assert_eq!(active(&state).due_at, Some(wib(2026, 11, 30, 7, 33)));
    // On Saturday it is still on time: the clock does not run on weekends.
    assert_eq!(
        sla::state(&w.calendar, active(&state), wib(2026, 11, 28, 12, 0), 25),
        SlaState::OnTime
    );

    // Wednesday 23 December 2026 15:58: Thursday 24 is cuti bersama, Friday 25 Christmas,
    // then the weekend: 2 minutes on Wednesday, 3 on Monday 28 December: due 07:33.
    let state = w.submit(wib(2026, 12, 23, 15, 58));
    assert_eq!(active(&state).due_at, Some(wib(2026, 12, 28, 7, 33)));
}

// --- Any SOP: generic steps, joint steps, decisions that loop back or return ----------------

/// A small SOP of another shape: a joint record shared by two actors (any), a decision
/// answered on its own that loops back, a paraf every actor must sign (all), and a decision
/// whose "no" returns the request to the requester.
const GENERIC_SOP: &str = r#"
format = 1
[header]
code = "uji-generik"
version = 1
number = "Uji / 2"
title = "Uji Generik"
office = "Dinas Uji"
[intake]
requester = "opd"
letter = "required"
app = "required"
maintenance = false
[[actors]]
id = "pemohon"
name = "Pemohon"
requester = true
[[actors]]
id = "staf"
name = "Staf"
position = "pelaksana"
reports_to = "kasi"
[[actors]]
id = "tim"
name = "Tim"
position = "tim_jaringan"
[[actors]]
id = "kasi"
name = "Kasi"
position = "subkoor_spa"
reports_to = "kabid"
[[actors]]
id = "kabid"
name = "Kabid"
position = "kabid_aptika"
[[steps]]
no = 1
kind = "start"
form = "submit"
actors = ["pemohon"]
activity = "Mengajukan"
time = { value = 10, unit = "menit" }
next = 2
[[steps]]
no = 2
kind = "activity"
form = "record"
actors = ["staf", "tim"]
joint = "any"
activity = "Menyiapkan bahan"
time = { value = 1, unit = "hari" }
next = 3
[[steps]]
no = 3
kind = "decision"
form = "decision"
actors = ["kasi"]
activity = "Memeriksa bahan"
time = { value = 1, unit = "jam" }
next = 4
decision = { question = "Bahan lengkap?", if_no = 2 }
[[steps]]
no = 4
kind = "activity"
form = "paraf"
actors = ["kasi", "kabid"]
joint = "all"
activity = "Paraf bersama"
time = { value = 1, unit = "hari kerja" }
next = 5
[[steps]]
no = 5
kind = "decision"
form = "decision"
actors = ["kabid"]
activity = "Menyetujui"
time = { value = 1, unit = "hari" }
next = 6
decision = { question = "Disetujui?", if_no = "return" }
[[steps]]
no = 6
kind = "end"
form = "none"
actors = ["pemohon"]
activity = "Selesai"
"#;

fn generic_world() -> (World, Actor) {
    let mut world = world();
    world.sop = pelihara_sop::parse_definition("uji-generik.toml", GENERIC_SOP)
        .unwrap_or_else(|errors| panic!("{errors:?}"));
    let tim = person("Tono Jaringan", Role::Staff, &["tim_jaringan"], None);
    (world, tim)
}

fn kinds(world: &World, state: &CaseState, actor: &Actor, now: DateTime<Utc>) -> Vec<ActionKind> {
    available_actions(world.ctx(now), state, actor)
        .into_iter()
        .map(|offer| offer.kind)
        .collect()
}

fn open_positions(state: &CaseState) -> Vec<(u32, String)> {
    let mut open: Vec<(u32, String)> = state
        .tasks
        .iter()
        .filter(|task| task.state == TaskState::Open)
        .map(|task| (task.step_no, task.position.clone()))
        .collect();
    open.sort();
    open
}

#[test]
fn a_joint_step_shared_with_any_is_in_each_inbox_and_one_completes_it() {
    let (world, tim) = generic_world();
    let now = wib(2026, 11, 16, 9, 0);
    let mut state = world.submit(now);
    assert_eq!(
        open_positions(&state),
        [(2, "pelaksana".into()), (2, "tim_jaringan".into())]
    );
    assert_eq!(
        kinds(&world, &state, &tim, now),
        [ActionKind::Record, ActionKind::Claim]
    );
    assert_eq!(
        kinds(&world, &state, &world.pelaksana, now),
        [ActionKind::Record, ActionKind::Claim]
    );
    let pelaksana_task = state
        .tasks
        .iter()
        .find(|task| task.position == "pelaksana")
        .map(|task| task.id)
        .unwrap();
    world.act(
        &mut state,
        &tim,
        now,
        Command::Record {
            note: "Bahan siap".into(),
        },
    );
    // The other actor's task is cancelled, and a late form names who did the step.
    let refusal = apply(
        world.ctx(now),
        &state,
        &world.pelaksana,
        Some(pelaksana_task),
        Command::Record {
            note: "Saya juga".into(),
        },
    )
    .unwrap_err();
    assert!(
        matches!(&refusal, Refusal::AlreadyDone { by_name, .. } if by_name == "Tono Jaringan"),
        "{refusal:?}"
    );
    assert_eq!(open_positions(&state), [(3, "subkoor_spa".into())]);
}

#[test]
fn a_decision_answered_no_loops_back_and_yes_goes_on() {
    let (world, tim) = generic_world();
    let now = wib(2026, 11, 16, 9, 0);
    let mut state = world.submit(now);
    world.act(
        &mut state,
        &tim,
        now,
        Command::Record {
            note: "Bahan".into(),
        },
    );
    // The decider is offered yes and no, and nothing else of the step's form.
    let offered = kinds(&world, &state, &world.subkoor, now);
    assert!(offered.contains(&ActionKind::Accept) && offered.contains(&ActionKind::SendBack));
    assert!(!offered.contains(&ActionKind::Record));
    // "No" needs a reason and loops back to step 2 for both actors again.
    let refusal = world.refuse(
        &state,
        &world.subkoor,
        now,
        Command::SendBack { reason: " ".into() },
    );
    assert!(matches!(
        refusal,
        Refusal::Invalid {
            field: "reason",
            ..
        }
    ));
    world.act(
        &mut state,
        &world.subkoor,
        now,
        Command::SendBack {
            reason: "Kurang lampiran".into(),
        },
    );
    assert_eq!(state.case.current_step, 2);
    assert_eq!(
        open_positions(&state),
        [(2, "pelaksana".into()), (2, "tim_jaringan".into())]
    );
    world.act(
        &mut state,
        &world.pelaksana,
        now,
        Command::Record {
            note: "Lampiran ditambah".into(),
        },
    );
    world.act(
        &mut state,
        &world.subkoor,
        now,
        Command::Accept {
            note: String::new(),
        },
    );
    assert_eq!(state.case.current_step, 4);
}

#[test]
fn a_step_shared_with_all_waits_for_every_paraf_and_a_return_comes_back_to_the_step() {
    let (world, tim) = generic_world();
    let now = wib(2026, 11, 16, 9, 0);
    let mut state = world.submit(now);
    world.act(
        &mut state,
        &tim,
        now,
        Command::Record {
            note: "Bahan".into(),
        },
    );
    world.act(
        &mut state,
        &world.subkoor,
        now,
        Command::Accept {
            note: String::new(),
        },
    );
    assert_eq!(
        open_positions(&state),
        [(4, "kabid_aptika".into()), (4, "subkoor_spa".into())]
    );
    world.act(
        &mut state,
        &world.kabid,
        now,
        Command::Paraf {
            note: String::new(),
        },
    );
    // One paraf is not enough; the step waits on the other.
    assert_eq!(state.case.current_step, 4);
    assert_eq!(open_positions(&state), [(4, "subkoor_spa".into())]);
    assert!(kinds(&world, &state, &world.kabid, now).is_empty());
    world.act(
        &mut state,
        &world.subkoor,
        now,
        Command::Paraf {
            note: "Setuju".into(),
        },
    );
    assert_eq!(state.case.current_step, 5);
    let signed = state
        .entries
        .iter()
        .filter(
            |entry| matches!(&entry.record, Record::Signed { paraf, .. } if paraf.hash.len() == 64),
        )
        .count();
    assert_eq!(signed, 2);

    // "No" at step 5 returns the request: the step waits, paused, on the requester.
    world.act(
        &mut state,
        &world.kabid,
        now,
        Command::SendBack {
            reason: "Lengkapi data".into(),
        },
    );
    assert_eq!(state.case.status, CaseStatus::Returned);
    assert_eq!(open_positions(&state), [(5, "opd".into())]);
    assert_eq!(
        kinds(&world, &state, &world.operator, now),
        [ActionKind::Resubmit, ActionKind::Withdraw]
    );
    assert!(kinds(&world, &state, &world.kabid, now).is_empty());
    world.act(
        &mut state,
        &world.operator,
        now,
        Command::Resubmit {
            note: "Data dilengkapi".into(),
            letter: None,
        },
    );
    assert_eq!(state.case.status, CaseStatus::Open);
    assert_eq!(open_positions(&state), [(5, "kabid_aptika".into())]);
    world.act(
        &mut state,
        &world.kabid,
        now,
        Command::Accept {
            note: String::new(),
        },
    );
    assert_eq!(state.case.status, CaseStatus::Done);
    assert!(state.tasks.iter().all(|task| !task.state.is_active()));
}

#[test]
fn the_offered_actions_are_exactly_those_the_engine_accepts() {
    // Along the Demak path, for every person, every kind of action: offered if and only if
    // `apply` takes it with its fields filled in.
    let world = world();
    let now = wib(2026, 11, 16, 9, 0);
    let mut state = world.submit(now);
    let people = [
        &world.operator,
        &world.other_operator,
        &world.pelaksana,
        &world.kadis,
        &world.sekretaris,
        &world.kabid,
        &world.subkoor,
        &world.admin,
    ];
    let steps: Vec<(&Actor, Command)> = vec![
        (&world.pelaksana, register_letter()),
        (&world.kadis, dispose()),
        (&world.sekretaris, dispose()),
        (&world.kabid, dispose()),
    ];
    for (actor, command) in steps {
        for person in people {
            let offered = kinds(&world, &state, person, now);
            let takes_it = apply(world.ctx(now), &state, person, None, command.clone()).is_ok();
            assert_eq!(
                offered.contains(&command.kind()),
                takes_it,
                "{} at step {}",
                person.user.full_name,
                state.case.current_step
            );
        }
        world.act(&mut state, actor, now, command);
    }
    // After disposing, only the disposer may recall, and the OPD may withdraw.
    assert!(kinds(&world, &state, &world.kabid, now).contains(&ActionKind::Recall));
    assert!(!kinds(&world, &state, &world.sekretaris, now).contains(&ActionKind::Recall));
    assert!(kinds(&world, &state, &world.operator, now).contains(&ActionKind::Withdraw));
    assert!(kinds(&world, &state, &world.other_operator, now).is_empty());
    assert!(kinds(&world, &state, &world.admin, now).is_empty());
}

#[test]
fn the_network_team_sees_the_hosting_step_of_the_demak_sop() {
    let world = world();
    let jaringan = person("Joko Jaringan", Role::Staff, &["tim_jaringan"], None);
    let now = wib(2026, 11, 16, 9, 0);
    let mut state = world.submit(now);
    world.act(&mut state, &world.pelaksana, now, register_letter());
    world.act(&mut state, &world.kadis, now, dispose());
    world.act(&mut state, &world.sekretaris, now, dispose());
    world.act(&mut state, &world.kabid, now, dispose());
    world.act(
        &mut state,
        &world.subkoor,
        now,
        analyse(Verdict::Maintainable),
    );
    world.act(&mut state, &world.pelaksana, now, maintain());
    assert_eq!(
        open_positions(&state),
        [(8, "pelaksana".into()), (8, "tim_jaringan".into())]
    );
    assert!(kinds(&world, &state, &jaringan, now).contains(&ActionKind::Host));
    world.act(&mut state, &jaringan, now, host());
    assert_eq!(open_positions(&state), [(9, "subkoor_spa".into())]);
}
