from complaints.choices import Status
from tests.factories import ComplaintFactory


def test_factory_builds_every_state(db):
    for state in Status:
        complaint = ComplaintFactory.in_state(state)
        complaint.refresh_from_db()
        assert complaint.status == state


def test_processes_starting_together_share_one_complete_secret_key(tmp_path):
    """`make run` starts web, worker and beat at once on an empty DATA_DIR: each must read
    the same non-empty key, whichever made it."""
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k != "SECRET_KEY"}
    env.update(DATA_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="config.settings")
    code = "from django.conf import settings; print(settings.SECRET_KEY)"
    starts = [
        subprocess.Popen(  # noqa: S603 - a fixed command
            [sys.executable, "-c", code], env=env, stdout=subprocess.PIPE, text=True
        )
        for _ in range(6)
    ]
    keys = {process.communicate(timeout=60)[0].strip() for process in starts}
    assert len(keys) == 1
    assert len(keys.pop()) > 40
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".secret_key")] == []
