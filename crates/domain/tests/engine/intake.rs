//! Starting a case as its SOP's `[intake]` says: who may start it (an OPD's operator, any
//! employee, a position holder), which of letter and app it asks, and the extra fields by kind.

use std::collections::BTreeMap;

use pelihara_i18n::Lang;
use pelihara_sop::{FieldKind, IntakeField, Need, Requester};

use pelihara_domain::engine::SHORT_TEXT_MAX;

use super::*;

const LEAVE_TEXT: &str = include_str!("../../../../sop/pemberian-izin-cuti.toml");
const WEIGHING_TEXT: &str =
    include_str!("../../../../sop/penimbangan-kendaraan-timbang-portable.toml");

fn leave_sop() -> SopDefinition {
    pelihara_sop::parse_definition("pemberian-izin-cuti.toml", LEAVE_TEXT)
        .expect("the shipped SOP is valid")
}

fn weighing_sop() -> SopDefinition {
    pelihara_sop::parse_definition("penimbangan-kendaraan-timbang-portable.toml", WEIGHING_TEXT)
        .expect("the shipped SOP is valid")
}

fn ctx<'a>(sop: &'a SopDefinition, calendar: &'a WorkingCalendar) -> Context<'a> {
    Context {
        sop,
        calendar,
        now: wib(2026, 11, 23, 8, 0),
    }
}

fn leave_input(days: &str) -> SubmitInput {
    SubmitInput {
        subject: "Cuti tahunan".into(),
        description: "Keperluan keluarga".into(),
        intake: BTreeMap::from([("lama_cuti".to_owned(), days.to_owned())]),
        tracking_code: "PLH-CUTI-1".into(),
        ..SubmitInput::default()
    }
}

fn intake_problem(result: Result<Transition, Refusal>) -> (String, Problem) {
    match result {
        Err(Refusal::InvalidIntake { field, problem, .. }) => (field, problem),
        other => panic!("expected an intake refusal, got {other:?}"),
    }
}

#[test]
fn an_employee_starts_a_leave_request_without_opd_app_or_letter() {
    let sop = leave_sop();
    let calendar = WorkingCalendar::indonesia_default().unwrap();
    let employee = person("Siti Pegawai", Role::Staff, &[], None);
    let transition = submit(ctx(&sop, &calendar), &employee, leave_input(" 3 ")).unwrap();
    let case = &transition.case;
    assert_eq!(case.opd_id, None);
    assert_eq!(case.app_id, None);
    assert_eq!(case.letter, None);
    assert!(!case.counts_as_maintenance);
    assert_eq!(case.intake.get("lama_cuti").map(String::as_str), Some("3"));
    // The start step is the requester's, done by the employee; the next step's task opens.
    let first = &transition.tasks[0];
    assert_eq!(first.step_no, 1);
    assert_eq!(first.state, TaskState::Done);
    assert_eq!(first.completed_by, Some(employee.user.id));
    assert_eq!(first.opd_id, None);
    assert!(
        transition.tasks[1..]
            .iter()
            .all(|task| task.state == TaskState::Open)
    );
    assert!(matches!(
        transition.entries[0].record,
        Record::Submission { letter: None }
    ));
    // The requester sees their own case; another OPD's operator does not, staff do.
    assert!(may_view(&employee, case));
    let operator = person("Operator", Role::OpdOperator, &[], Some(OpdId::random()));
    assert!(!may_view(&operator, case));
    let colleague = person("Rekan", Role::Staff, &[], None);
    assert!(may_view(&colleague, case));
}

#[test]
fn who_may_start_follows_the_requester_kind() {
    let calendar = WorkingCalendar::indonesia_default().unwrap();
    let opd = OpdId::random();
    let operator = person("Operator", Role::OpdOperator, &[], Some(opd));
    let staff = person("Staf", Role::Staff, &[], None);
    let admin = person("Admin", Role::Admin, &[], None);
    let mut inactive = staff.clone();
    inactive.user.active = false;

    // employee: any active staff member, never an operator, admin or disabled account.
    let leave = leave_sop();
    assert!(submit(ctx(&leave, &calendar), &staff, leave_input("2")).is_ok());
    for outsider in [&operator, &admin, &inactive] {
        assert_eq!(
            submit(ctx(&leave, &calendar), outsider, leave_input("2")).unwrap_err(),
            Refusal::MayNotStart,
            "{}",
            outsider.user.full_name
        );
    }
    // An employee's request names no OPD.
    let mut with_opd = leave_input("2");
    with_opd.opd_id = Some(opd);
    assert_eq!(
        submit(ctx(&leave, &calendar), &staff, with_opd).unwrap_err(),
        Refusal::invalid("opd", Problem::NotAsked)
    );

    // position: holders of the requester position (or their acting officials) only.
    let weighing = weighing_sop();
    let Requester::Position(position) = weighing.intake.requester.clone() else {
        panic!("the weighing SOP is started by a position");
    };
    let holder = person("Petugas", Role::Staff, &[position.as_str()], None);
    let input = || SubmitInput {
        subject: "Penimbangan".into(),
        description: "Truk".into(),
        tracking_code: "PLH-TIMBANG-1".into(),
        ..SubmitInput::default()
    };
    let transition = submit(ctx(&weighing, &calendar), &holder, input()).unwrap();
    // Without a requester actor the start task is the starting position's.
    assert_eq!(transition.tasks[0].position, position);
    assert_eq!(transition.tasks[0].completed_by, Some(holder.user.id));
    let mut acting = staff.clone();
    acting.delegations.push(Delegation {
        id: DelegationId::random(),
        position: position.clone(),
        kind: DelegationKind::Plh,
        delegate: acting.user.id,
        official_name: "Petugas".into(),
        from: wib(2026, 11, 1, 0, 0),
        until: wib(2026, 12, 1, 0, 0),
        revoked: false,
    });
    let transition = submit(ctx(&weighing, &calendar), &acting, input()).unwrap();
    assert_eq!(
        transition.audit.acting.map(|acting| acting.position),
        Some(position)
    );
    for outsider in [&staff, &operator] {
        assert_eq!(
            submit(ctx(&weighing, &calendar), outsider, input()).unwrap_err(),
            Refusal::MayNotStart
        );
    }

    // opd: an operator for their own OPD only (the Demak rule).
    let demak = sop();
    let other = person(
        "Operator lain",
        Role::OpdOperator,
        &[],
        Some(OpdId::random()),
    );
    let request = || SubmitInput {
        opd_id: Some(opd),
        app_id: Some(AppId::random()),
        subject: "Pemeliharaan".into(),
        description: "Rusak".into(),
        letter: Some(letter()),
        tracking_code: "PLH-1".into(),
        ..SubmitInput::default()
    };
    let transition = submit(ctx(&demak, &calendar), &operator, request()).unwrap();
    assert!(transition.case.counts_as_maintenance);
    assert_eq!(transition.tasks[0].position, OPD_POSITION);
    assert_eq!(transition.tasks[0].opd_id, Some(opd));
    for outsider in [&other, &staff] {
        assert!(matches!(
            submit(ctx(&demak, &calendar), outsider, request()).unwrap_err(),
            Refusal::NotAllowed { .. }
        ));
    }
    let mut no_opd = request();
    no_opd.opd_id = None;
    assert!(matches!(
        submit(ctx(&demak, &calendar), &operator, no_opd).unwrap_err(),
        Refusal::NotAllowed { .. }
    ));
}

#[test]
fn letter_and_app_are_asked_as_the_sop_says() {
    let calendar = WorkingCalendar::indonesia_default().unwrap();
    let opd = OpdId::random();
    let operator = person("Operator", Role::OpdOperator, &[], Some(opd));
    let mut demak = sop();
    let request = || SubmitInput {
        opd_id: Some(opd),
        app_id: Some(AppId::random()),
        subject: "Pemeliharaan".into(),
        description: "Rusak".into(),
        letter: Some(letter()),
        tracking_code: "PLH-1".into(),
        ..SubmitInput::default()
    };
    // required
    let mut input = request();
    input.letter = None;
    assert_eq!(
        submit(ctx(&demak, &calendar), &operator, input).unwrap_err(),
        Refusal::invalid("letter", Problem::Required)
    );
    let mut input = request();
    input.app_id = None;
    assert_eq!(
        submit(ctx(&demak, &calendar), &operator, input).unwrap_err(),
        Refusal::invalid("app", Problem::Required)
    );
    // optional: either way; a case without an app never counts as maintenance.
    demak.intake.letter = Need::Optional;
    demak.intake.app = Need::Optional;
    let mut input = request();
    input.letter = None;
    input.app_id = None;
    let transition = submit(ctx(&demak, &calendar), &operator, input).unwrap();
    assert_eq!(transition.case.letter, None);
    assert!(!transition.case.counts_as_maintenance);
    assert!(submit(ctx(&demak, &calendar), &operator, request()).is_ok());
    // An SOP whose cases are not maintenance: an app given, still not counted.
    demak.intake.maintenance = false;
    let transition = submit(ctx(&demak, &calendar), &operator, request()).unwrap();
    assert!(!transition.case.counts_as_maintenance);
    // none: giving one anyway is refused.
    demak.intake.letter = Need::None;
    demak.intake.app = Need::None;
    let mut input = request();
    input.app_id = None;
    assert_eq!(
        submit(ctx(&demak, &calendar), &operator, input).unwrap_err(),
        Refusal::invalid("letter", Problem::NotAsked)
    );
    let mut input = request();
    input.letter = None;
    assert_eq!(
        submit(ctx(&demak, &calendar), &operator, input).unwrap_err(),
        Refusal::invalid("app", Problem::NotAsked)
    );
}

#[test]
fn each_intake_field_is_checked_by_its_kind() {
    let calendar = WorkingCalendar::indonesia_default().unwrap();
    let staff = person("Staf", Role::Staff, &[], None);
    let mut leave = leave_sop();
    let field = |id: &str, kind: FieldKind, choices: &[&str]| IntakeField {
        id: id.into(),
        label: format!("Label {id}"),
        kind,
        choices: choices.iter().map(|choice| choice.to_string()).collect(),
        required: false,
    };
    leave.intake.fields.extend([
        field("alasan", FieldKind::Text, &[]),
        field("uraian", FieldKind::LongText, &[]),
        field("mulai", FieldKind::Date, &[]),
        field("jenis", FieldKind::Choice, &["tahunan", "sakit"]),
    ]);
    let with = |pairs: &[(&str, &str)]| {
        let mut input = leave_input("3");
        for (id, value) in pairs {
            input.intake.insert(id.to_string(), value.to_string());
        }
        input
    };
    let refused = |pairs: &[(&str, &str)]| {
        intake_problem(submit(ctx(&leave, &calendar), &staff, with(pairs)))
    };
    // A required field missing or blank.
    assert_eq!(
        refused(&[("lama_cuti", "  ")]),
        ("lama_cuti".into(), Problem::Required)
    );
    let mut missing = leave_input("3");
    missing.intake.clear();
    assert_eq!(
        intake_problem(submit(ctx(&leave, &calendar), &staff, missing)),
        ("lama_cuti".into(), Problem::Required)
    );
    // number
    assert_eq!(
        refused(&[("lama_cuti", "tiga")]),
        ("lama_cuti".into(), Problem::NotANumber)
    );
    assert_eq!(
        refused(&[("lama_cuti", "inf")]),
        ("lama_cuti".into(), Problem::NotANumber)
    );
    assert!(
        submit(
            ctx(&leave, &calendar),
            &staff,
            with(&[("lama_cuti", "1,5")])
        )
        .is_ok()
    );
    // date
    assert_eq!(
        refused(&[("mulai", "30/11/2026")]),
        ("mulai".into(), Problem::NotADate)
    );
    assert_eq!(
        refused(&[("mulai", "2026-02-30")]),
        ("mulai".into(), Problem::NotADate)
    );
    // choice
    assert_eq!(
        refused(&[("jenis", "besar")]),
        ("jenis".into(), Problem::NotAllowedValue)
    );
    // text lengths
    let long = "x".repeat(SHORT_TEXT_MAX + 1);
    assert_eq!(
        refused(&[("alasan", long.as_str())]),
        (
            "alasan".into(),
            Problem::TooLong {
                max: SHORT_TEXT_MAX
            }
        )
    );
    // Every kind accepted; empty optional fields and unknown ids are not kept.
    let transition = submit(
        ctx(&leave, &calendar),
        &staff,
        with(&[
            ("alasan", "Keluarga"),
            ("uraian", &long),
            ("mulai", "2026-11-30"),
            ("jenis", "tahunan"),
            ("tidak_ada", "x"),
        ]),
    )
    .unwrap();
    let kept: Vec<&str> = transition.case.intake.keys().map(String::as_str).collect();
    assert_eq!(kept, ["alasan", "jenis", "lama_cuti", "mulai", "uraian"]);
    assert_eq!(transition.audit.detail["intake"]["mulai"], "2026-11-30");
    let optional_left_empty =
        submit(ctx(&leave, &calendar), &staff, with(&[("mulai", "")])).unwrap();
    assert!(!optional_left_empty.case.intake.contains_key("mulai"));
}

#[test]
fn intake_refusals_read_in_the_users_language_with_the_sops_label() {
    let calendar = WorkingCalendar::indonesia_default().unwrap();
    let staff = person("Staf", Role::Staff, &[], None);
    let leave = leave_sop();
    let refusal = submit(ctx(&leave, &calendar), &staff, leave_input("")).unwrap_err();
    assert_eq!(refusal.field(), Some("lama_cuti"));
    assert_eq!(refusal.message(Lang::Id), "Lamanya cuti wajib diisi.");
    assert_eq!(refusal.message(Lang::En), "Lamanya cuti is required.");
    let refusal = submit(ctx(&leave, &calendar), &staff, leave_input("dua")).unwrap_err();
    assert_eq!(
        refusal.message(Lang::Id),
        "Lamanya cuti harus berupa angka."
    );
    let operator = person("Operator", Role::OpdOperator, &[], Some(OpdId::random()));
    let refusal = submit(ctx(&leave, &calendar), &operator, leave_input("2")).unwrap_err();
    assert_eq!(
        refusal.message(Lang::Id),
        "Anda tidak dapat mengajukan permohonan menurut SOP ini."
    );
}

#[test]
fn the_employee_who_asked_completes_a_returned_request() {
    let calendar = WorkingCalendar::indonesia_default().unwrap();
    let leave = leave_sop();
    let employee = person("Siti Pegawai", Role::Staff, &[], None);
    let transition = submit(ctx(&leave, &calendar), &employee, leave_input("3")).unwrap();
    let mut state = CaseState {
        case: transition.case.clone(),
        tasks: Vec::new(),
        entries: Vec::new(),
    };
    merge(&mut state, transition);
    let context = Context {
        sop: &leave,
        calendar: &calendar,
        now: wib(2026, 11, 23, 9, 0),
    };
    // Walk to the first step that may return, each step done by a holder of its position.
    for _ in 0..20 {
        let step = leave.step(state.case.current_step).unwrap();
        if step.may_return {
            break;
        }
        let task = state.active_task().unwrap().clone();
        let performer = person("Pegawai", Role::Staff, &[task.position.as_str()], None);
        let command = match step.form {
            pelihara_sop::StepForm::Paraf => Command::Paraf {
                note: String::new(),
            },
            _ => Command::Record {
                note: "Selesai".into(),
            },
        };
        let transition = apply(context, &state, &performer, None, command).unwrap();
        merge(&mut state, transition);
    }
    let task = state.active_task().unwrap().clone();
    let performer = person("Pegawai", Role::Staff, &[task.position.as_str()], None);
    let transition = apply(
        context,
        &state,
        &performer,
        None,
        Command::ReturnToOpd {
            reason: "Lengkapi".into(),
        },
    )
    .unwrap();
    merge(&mut state, transition);
    assert_eq!(state.case.status, CaseStatus::Returned);
    // The task waiting on the request is the employee's own: in their inbox (they hold it),
    // theirs to take, and not one to let go of.
    let waiting = state
        .tasks
        .iter()
        .find(|task| task.state.is_active() && task.position == OPD_POSITION)
        .unwrap()
        .clone();
    assert_eq!(waiting.claimed_by, Some(employee.user.id));
    assert!(may_take(&employee, &waiting, context.now).is_ok());
    let resubmit = || Command::Resubmit {
        note: "Sudah".into(),
        letter: None,
    };
    let colleague = person("Rekan", Role::Staff, &[], None);
    assert!(matches!(
        apply(context, &state, &colleague, None, resubmit()).unwrap_err(),
        Refusal::NotAllowed { .. }
    ));
    let offered = available_actions(context, &state, &employee);
    assert!(
        offered
            .iter()
            .any(|offer| offer.kind == ActionKind::Resubmit)
    );
    let transition = apply(context, &state, &employee, None, resubmit()).unwrap();
    assert_eq!(transition.case.status, CaseStatus::Open);
}

#[test]
fn a_decision_that_loops_back_to_the_start_step_is_redone_with_a_note() {
    // The weighing SOP: the head of office's "no" sends the draft back to step 1 (the start
    // step) to be made again. That step must offer a way to complete it, or the case sticks.
    let calendar = WorkingCalendar::indonesia_default().unwrap();
    let weighing = weighing_sop();
    let Requester::Position(position) = weighing.intake.requester.clone() else {
        panic!("the weighing SOP is started by a position");
    };
    let holder = person("Petugas", Role::Staff, &[position.as_str()], None);
    let head = person("Kadis", Role::Staff, &["kepala_dinas"], None);
    let input = SubmitInput {
        subject: "Penimbangan".into(),
        description: "Truk".into(),
        tracking_code: "PLH-TIMBANG-2".into(),
        ..SubmitInput::default()
    };
    let transition = submit(ctx(&weighing, &calendar), &holder, input).unwrap();
    let mut state = CaseState {
        case: transition.case.clone(),
        tasks: Vec::new(),
        entries: Vec::new(),
    };
    merge(&mut state, transition);
    let act = |state: &mut CaseState, actor: &Actor, command: Command| {
        let transition = apply(ctx(&weighing, &calendar), state, actor, None, command).unwrap();
        merge(state, transition);
    };
    assert_eq!(state.case.current_step, 2);
    co_sign(&weighing, &calendar, &mut state);
    act(
        &mut state,
        &head,
        Command::SendBack {
            reason: "Konsep salah".into(),
        },
    );
    assert_eq!(state.case.current_step, 1);
    let offered: Vec<ActionKind> = available_actions(ctx(&weighing, &calendar), &state, &holder)
        .into_iter()
        .map(|offer| offer.kind)
        .collect();
    assert!(offered.contains(&ActionKind::Record), "{offered:?}");
    act(
        &mut state,
        &holder,
        Command::Record {
            note: "Konsep dibuat ulang".into(),
        },
    );
    assert_eq!(state.case.current_step, 2);
    // The new draft is initialled again before the head of office answers.
    let waiting: Vec<&str> = state
        .tasks
        .iter()
        .filter(|task| task.state.is_active())
        .map(|task| task.position.as_str())
        .collect();
    assert_eq!(waiting, ["kepala_seksi", "kepala_bidang"]);
}

/// The section and division heads paraf step 2 of the weighing SOP (`joint = "all"` on its
/// decision), each in their own position, so the head of office's task opens.
fn co_sign(weighing: &SopDefinition, calendar: &WorkingCalendar, state: &mut CaseState) {
    for position in ["kepala_seksi", "kepala_bidang"] {
        let signer = person(position, Role::Staff, &[position], None);
        let transition = apply(
            ctx(weighing, calendar),
            state,
            &signer,
            None,
            Command::Paraf {
                note: String::new(),
            },
        )
        .unwrap();
        merge(state, transition);
    }
}

#[test]
fn the_other_actors_of_a_decision_paraf_before_its_decider_answers() {
    // The weighing SOP's step 2: "Kepala Seksi dan Kepala Bidang memaraf, Kepala Dinas
    // menandatangani dan memutuskan".
    let calendar = WorkingCalendar::indonesia_default().unwrap();
    let weighing = weighing_sop();
    let Requester::Position(position) = weighing.intake.requester.clone() else {
        panic!("the weighing SOP is started by a position");
    };
    let holder = person("Petugas", Role::Staff, &[position.as_str()], None);
    let head = person("Kadis", Role::Staff, &["kepala_dinas"], None);
    let section = person("Kasi", Role::Staff, &["kepala_seksi"], None);
    let division = person("Kabid", Role::Staff, &["kepala_bidang"], None);
    let input = SubmitInput {
        subject: "Penimbangan".into(),
        description: "Truk".into(),
        tracking_code: "PLH-TIMBANG-3".into(),
        ..SubmitInput::default()
    };
    let context = ctx(&weighing, &calendar);
    let transition = submit(context, &holder, input).unwrap();
    let mut state = CaseState {
        case: transition.case.clone(),
        tasks: Vec::new(),
        entries: Vec::new(),
    };
    merge(&mut state, transition);
    let kinds = |state: &CaseState, actor: &Actor| -> Vec<ActionKind> {
        available_actions(context, state, actor)
            .into_iter()
            .map(|offer| offer.kind)
            .filter(|kind| !matches!(kind, ActionKind::Claim | ActionKind::Release))
            .collect()
    };

    // Before the paraf the head of office has nothing to answer, and cannot paraf for them.
    assert_eq!(kinds(&state, &head), Vec::<ActionKind>::new());
    for command in [
        Command::Accept {
            note: String::new(),
        },
        Command::Paraf {
            note: String::new(),
        },
    ] {
        assert!(apply(context, &state, &head, None, command).is_err());
    }
    // The section head may paraf, not answer the decision.
    assert_eq!(kinds(&state, &section), [ActionKind::Paraf]);
    assert!(
        apply(
            context,
            &state,
            &section,
            None,
            Command::SendBack {
                reason: "Tidak".into()
            }
        )
        .is_err()
    );
    let transition = apply(
        context,
        &state,
        &section,
        None,
        Command::Paraf {
            note: "Sudah sesuai DPA".into(),
        },
    )
    .unwrap();
    merge(&mut state, transition);
    // One paraf is not enough: the division head's is still waited for.
    assert_eq!(kinds(&state, &head), Vec::<ActionKind>::new());
    assert_eq!(kinds(&state, &section), Vec::<ActionKind>::new());
    let transition = apply(
        context,
        &state,
        &division,
        None,
        Command::Paraf {
            note: String::new(),
        },
    )
    .unwrap();
    merge(&mut state, transition);
    assert_eq!(state.case.current_step, 2);

    // Each paraf is sealed in its signer's own position.
    let paraf_positions: Vec<String> = state
        .entries
        .iter()
        .filter_map(|entry| match &entry.record {
            Record::Signed { paraf, .. } => Some(paraf.position.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(paraf_positions, ["kepala_seksi", "kepala_bidang"]);

    // Now the head of office answers.
    let offered = kinds(&state, &head);
    assert!(offered.contains(&ActionKind::Accept), "{offered:?}");
    assert!(offered.contains(&ActionKind::SendBack), "{offered:?}");
    let transition = apply(
        context,
        &state,
        &head,
        None,
        Command::Accept {
            note: String::new(),
        },
    )
    .unwrap();
    merge(&mut state, transition);
    assert_eq!(state.case.current_step, 3);
}
