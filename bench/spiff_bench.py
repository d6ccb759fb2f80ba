"""The peer in Pelihara's benchmark: SpiffWorkflow running a linear process of ten user tasks.

Each step completes one user task and stores the whole workflow state (SpiffWorkflow's own JSON
serializer) in SQLite (WAL, synchronous=NORMAL) in its own transaction, which is what a
workflow engine must do to survive a restart between steps. With --reload each step first
reads the state back from SQLite and deserialises it, as a server does that takes each step
as its own request (Pelihara's transitions read the case from the database each time); the
benchmark's bar is measured against the run without it, the faster one. Prints one JSON line:
{"steps": n, "seconds": s, "version": "..."}. Never measures anything but completed steps.
"""

import argparse
import json
import sqlite3
import time
from importlib.metadata import version

from SpiffWorkflow.bpmn.parser import BpmnParser
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.util.task import TaskState

STEPS = 10


def process_xml() -> str:
    """A BPMN 2.0 process: start, ten user tasks in a row, end."""
    nodes = ['<bpmn:startEvent id="start" />']
    flows = []
    previous = "start"
    for n in range(1, STEPS + 1):
        nodes.append(f'<bpmn:userTask id="step{n}" name="Step {n}" />')
        flows.append(f'<bpmn:sequenceFlow id="f{n}" sourceRef="{previous}" targetRef="step{n}" />')
        previous = f"step{n}"
    nodes.append('<bpmn:endEvent id="end" />')
    flows.append(f'<bpmn:sequenceFlow id="f_end" sourceRef="{previous}" targetRef="end" />')
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" '
        'id="defs" targetNamespace="http://pelihara.bench">'
        '<bpmn:process id="linear" isExecutable="true">'
        + "".join(nodes)
        + "".join(flows)
        + "</bpmn:process></bpmn:definitions>"
    )


def main() -> None:
    arguments = argparse.ArgumentParser()
    arguments.add_argument("--db", required=True)
    arguments.add_argument("--seconds", type=float, default=10.0)
    arguments.add_argument("--reload", action="store_true")
    options = arguments.parse_args()

    parser = BpmnParser()
    parser.add_bpmn_str(process_xml().encode())
    spec = parser.get_spec("linear")
    serializer = BpmnWorkflowSerializer()

    db = sqlite3.connect(options.db, isolation_level=None)
    db.execute("pragma journal_mode = wal")
    db.execute("pragma synchronous = normal")
    db.execute("create table if not exists workflows (id integer primary key, state text not null)")

    steps = 0
    instance = 0
    started = time.perf_counter()
    deadline = started + options.seconds
    while time.perf_counter() < deadline:
        instance += 1
        workflow = BpmnWorkflow(spec)
        workflow.do_engine_steps()
        db.execute("begin")
        db.execute(
            "insert into workflows (id, state) values (?, ?)",
            (instance, serializer.serialize_json(workflow)),
        )
        db.execute("commit")
        while not workflow.is_completed() and time.perf_counter() < deadline:
            if options.reload:
                (state,) = db.execute(
                    "select state from workflows where id = ?", (instance,)
                ).fetchone()
                workflow = serializer.deserialize_json(state)
            ready = workflow.get_tasks(state=TaskState.READY, manual=True)
            if not ready:
                break
            ready[0].run()
            workflow.do_engine_steps()
            db.execute("begin")
            db.execute(
                "update workflows set state = ? where id = ?",
                (serializer.serialize_json(workflow), instance),
            )
            db.execute("commit")
            steps += 1
    seconds = time.perf_counter() - started
    print(json.dumps({"steps": steps, "seconds": seconds, "version": version("SpiffWorkflow")}))


if __name__ == "__main__":
    main()
