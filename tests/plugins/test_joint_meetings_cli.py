"""``gridgov joint-meetings …``: a topic from the grid to the community and back through
the command line, the refusals as one line with their exit codes, and the Chinese output."""

from __future__ import annotations

import json

from click.testing import CliRunner
from gridgov.core import Actor
from gridgov.core.cli import _load_commands, cli
from gridgov.plugins.joint_meetings.service import JointMeetingsService

SYSTEM = Actor.system()


def run(gridgov_cli, *args):
    return gridgov_cli(["joint-meetings", *args], as_="admin")


def run_zh(platform, *args):
    """The real ``gridgov`` command line in Chinese, on the test's database."""
    _load_commands()
    return CliRunner().invoke(cli, ["--db", str(platform.path), "--lang", "zh", "joint-meetings", *args, "--as", "admin"])


def test_a_topic_through_the_command_line(gridgov_platform, gridgov_cli):
    service = JointMeetingsService(gridgov_platform)
    grid = service.add_body(SYSTEM, area="SX01", name="第01网格联席会议")
    community = service.add_body(SYSTEM, area="SX", name="山厦社区大党委")
    district = service.add_body(SYSTEM, area="LG", name="区联席会议")

    listed = run(gridgov_cli, "bodies", "--json")
    assert [b["area_code"] for b in json.loads(listed.stdout)] == ["LG", "SX", "SX01"]
    meeting = run(gridgov_cli, "schedule", str(grid.id), "--at", "2026-10-20 15:00", "--place", "网格党群服务站")
    assert meeting.exit_code == 0, meeting.output
    meeting_id = meeting.stdout.strip()
    topic_id = run(gridgov_cli, "raise", str(grid.id), "--title", "小区排水不畅", "--origin", "resident",
                   "--meeting", meeting_id).stdout.strip()

    no_minutes = run(gridgov_cli, "move-up", topic_id, "--meeting", meeting_id)
    assert (no_minutes.exit_code, no_minutes.stderr) == (
        4, f"error: topic {topic_id}: move_up refused: meeting {meeting_id} has no minutes; record the minutes of the "
           "meeting that discussed the topic first\n")
    held = run(gridgov_cli, "minutes", meeting_id, "--text", "需社区协调", "--present", "SXWY", "--absent", "ZJJ:公务")
    assert held.stdout == f"meeting {meeting_id} held\n"
    skip = run(gridgov_cli, "move-up", topic_id, "--meeting", meeting_id, "--to", str(district.id))
    assert skip.exit_code == 4 and "cannot skip a level" in skip.stderr
    moved = run(gridgov_cli, "move-up", topic_id, "--meeting", meeting_id)
    assert moved.stdout == f"topic {topic_id} moved up to body {community.id}\n"

    agenda = run(gridgov_cli, "agenda", str(community.id), "--json")
    assert [(p["kind"], p["topic_id"]) for p in json.loads(agenda.stdout)] == [("moved_up", int(topic_id))]
    upper = run(gridgov_cli, "schedule", str(community.id), "--at", "2026-10-28 09:00", "--place", "社区").stdout.strip()
    run(gridgov_cli, "agenda", str(community.id), "--meeting", upper)
    run(gridgov_cli, "minutes", upper, "--text", "议定由物业疏通")
    bad_due = run(gridgov_cli, "decide", upper, "--text", "物业疏通", "--owner", "SXWY", "--due", "11/30", "--topic", topic_id)
    assert bad_due.exit_code == 2 and bad_due.stderr.startswith("error: --due:")
    decided = run(gridgov_cli, "decide", upper, "--text", "物业疏通", "--owner", "SXWY", "--due", "2026-11-30",
                  "--topic", topic_id)
    assert decided.exit_code == 0, decided.output

    chain = json.loads(run(gridgov_cli, "chain", topic_id, "--json").stdout)
    assert [s["move"] for s in chain["steps"]] == ["raise", "move_up", "settle"]
    assert chain["steps"][1]["minutes"] == "需社区协调" and chain["reported_back_to"] == ["第01网格联席会议"]
    text = run_zh(gridgov_platform, "chain", topic_id).stdout
    assert "上移" in text and "已反馈：第01网格联席会议" in text and "物业疏通" in text

    metrics = json.loads(run(gridgov_cli, "metrics", "--json").stdout)
    assert (metrics["meetings"], metrics["moved_up"], metrics["solved_after_moving_up"]) == (2, 1, 1)
    table = run_zh(gridgov_platform, "metrics").stdout
    assert "上移后解决" in table and "community" in table
    overdue = json.loads(run(gridgov_cli, "overdue", "--json").stdout)
    # the grid met in October and it is November; the community met in this quarter
    assert [f["name"] for f in overdue] == ["第01网格联席会议"]


def test_cobuilding_through_the_command_line(gridgov_platform, gridgov_cli):
    body = JointMeetingsService(gridgov_platform).add_body(SYSTEM, area="SX", kind="cobuild", name="山厦联建共同体",
                                                           members=[{"org_code": "ENT-HD"}])
    made = run(gridgov_cli, "commit", str(body.id), "--org", "ENT-HD", "--kind", "money", "--text", "出资修缮",
               "--amount", "5000", "--signed", "2026-09-01", "--due", "2026-12-31")
    assert made.exit_code == 0, made.output
    done = run(gridgov_cli, "deed", str(body.id), "--org", "ENT-HD", "--text", "修缮活动室", "--value", "4800",
               "--on", "2026-10-10", "--commitment", made.stdout.strip())
    assert done.exit_code == 0, done.output
    shown = run(gridgov_cli, "cobuild", str(body.id)).stdout
    assert "kept" in shown and "1 things done, worth 4800 yuan" in shown
    refused = run(gridgov_cli, "deed", str(body.id), "--org", "ZJJ", "--text", "x", "--on", "2026-10-10")
    assert (refused.exit_code, refused.stderr) == (2, f"error: org_code: ZJJ is not a member unit of body {body.id}\n")
    worker = gridgov_cli(["joint-meetings", "commit", str(body.id), "--org", "ENT-HD", "--kind", "goods", "--text", "x",
                          "--signed", "2026-09-01", "--due", "2026-12-31"], as_="worker_sx01")
    assert worker.exit_code == 3
