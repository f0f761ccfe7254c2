from complaints.choices import Status
from tests.factories import ComplaintFactory


def test_factory_builds_every_state(db):
    for state in Status:
        complaint = ComplaintFactory.in_state(state)
        complaint.refresh_from_db()
        assert complaint.status == state
