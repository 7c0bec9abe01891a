"""An operator answers a ringing call from a known client on either backend."""

from calldesk.desk import clients, operators, queue


def test_known_caller_rings_and_is_answered(desk):
    asha = operators.sign_in(desk, "asha")
    client_id = clients.create_client(desk, "Rahul Sharma", [clients.NewPhone("098765 43210")])
    call_id = queue.ring_call(desk, "+91 98765 43210", "support")
    [waiting] = queue.waiting_calls(desk)
    assert waiting.client_id == client_id
    assert queue.claim_call(desk, call_id, asha.id) == call_id
    assert queue.waiting_calls(desk) == []
    assert [h.name for h in clients.find_clients(desk, "sharma")] == ["Rahul Sharma"]
    assert [h.name for h in clients.find_clients(desk, "8765 432")] == ["Rahul Sharma"]
