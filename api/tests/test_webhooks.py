"""Signed webhooks: a test receiver on 127.0.0.1 checks the signature; retries back off;
every attempt is logged; a revoked certificate is told to a supermarket chain at once."""

import datetime as dt
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.utils import timezone

from api import webhooks
from api.models import DeliveryStatus, WebhookDelivery, WebhookSubscription
from api.services import webhook_create, webhook_send_test
from recognition import services as recognition_services
from recognition.tests.conftest import rec as rec  # noqa: F401  (a fixture)

pytestmark = pytest.mark.django_db(transaction=True)


class Receiver:
    """A retailer's endpoint: answers with the codes it is given, records what it got."""

    def __init__(self, codes):
        self.codes = list(codes)
        self.received = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.received.append((self.headers, body))  # case-insensitive
                code = receiver.codes.pop(0) if receiver.codes else 200
                self.send_response(code)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/ocop-hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    made = []

    def make(*codes):
        made.append(Receiver(codes))
        return made[-1]

    yield make
    for r in made:
        r.close()


def test_signature_verifies_and_rejects_tampering_and_old_timestamps():
    body = b'{"type": "test"}'
    header = webhooks.sign("whsec_x", 1_800_000_000, body)
    assert webhooks.verify("whsec_x", header, body, now=1_800_000_010)
    assert not webhooks.verify("whsec_x", header, body + b" ", now=1_800_000_010)
    assert not webhooks.verify("whsec_y", header, body, now=1_800_000_010)
    assert not webhooks.verify("whsec_x", header, body, now=1_800_000_000 + 3600)
    assert not webhooks.verify("whsec_x", "garbage", body)


def test_backoff_doubles():
    assert [webhooks.backoff(n).total_seconds() / 60 for n in (1, 2, 3, 4)] == [1, 2, 4, 8]


def test_a_revocation_reaches_the_supermarket_signed_and_once(rec, receiver):
    shop = receiver(200)
    subscription, secret = webhook_create(
        actor=rec.provincial,
        province=rec.units.danang,
        name="Chuỗi siêu thị",
        url=shop.url,
        events=["certificate.revoked"],
    )
    certificate = rec.certified()
    assert shop.received == []  # not subscribed to issuing
    proposal = recognition_services.revocation_propose(
        actor=rec.provincial,
        certificate=certificate,
        ground="d",
        found_on=timezone.localdate() - dt.timedelta(days=1),
        finding="Dùng nhãn OCOP sai quy định.",
    )
    recognition_services.revocation_decide(
        actor=rec.provincial,
        proposal=proposal,
        number="55/QĐ-UBND",
        date=timezone.localdate(),
        signer=("Trần Phước Sơn", "PHÓ CHỦ TỊCH"),
    )
    # the immediate task backend sent it after the commit
    assert len(shop.received) == 1
    headers, body = shop.received[0]
    assert webhooks.verify(secret, headers[webhooks.SIGNATURE_HEADER], body)
    payload = json.loads(body)
    assert payload["type"] == "certificate.revoked"
    assert payload["data"]["certificate"]["number"] == certificate.number
    assert payload["data"]["certificate"]["revoked_on"] == timezone.localdate().isoformat()
    delivery = WebhookDelivery.objects.get(subscription=subscription)
    assert delivery.status == DeliveryStatus.DELIVERED and delivery.last_status_code == 200


def test_a_withdrawn_stamp_batch_is_told_to_its_subscribers(rec, receiver):
    """The withdrawal is a step of the stamp batch workflow (``ocop.stamp_batch.transitioned``,
    after.status "withdrawn"); the approval and the issue before it send nothing."""
    from trace import services as trace_services

    printer = receiver()
    webhook_create(
        actor=rec.provincial,
        province=rec.units.danang,
        name="Nhà in",
        url=printer.url,
        events=["stamp_batch.withdrawn"],
    )
    rec.certified()
    batch = trace_services.batch_request(
        actor=rec.producer,
        product=rec.product_x,
        lot="WD1",
        production_date=timezone.localdate(),
        quantity=3,
    )
    # the approval enqueues the issue, which the immediate task backend runs after the commit
    trace_services.batch_transition(actor=rec.provincial, batch=batch, action="approve")
    batch.refresh_from_db()
    assert batch.status == "issued"
    assert printer.received == []
    trace_services.batch_transition(
        actor=rec.producer, batch=batch, action="withdraw", reason="Nhãn in lỗi"
    )
    assert len(printer.received) == 1
    payload = json.loads(printer.received[0][1])
    assert payload["type"] == "stamp_batch.withdrawn"
    assert payload["data"]["stamp_batch"] == {
        "id": batch.pk,
        "lot": "WD1",
        "status": "withdrawn",
        "quantity": 3,
    }
    assert payload["data"]["reason"] == "Nhãn in lỗi"


def test_failures_are_retried_with_backoff_and_logged(rec, receiver):
    flaky = receiver(503, 500)
    subscription, _secret = webhook_create(
        actor=rec.provincial,
        province=rec.units.danang,
        name="Sàn thương mại điện tử",
        url=flaky.url,
        events=["certificate.issued", "product.recognised"],
    )
    rec.certified()
    deliveries = WebhookDelivery.objects.filter(subscription=subscription)
    assert sorted(deliveries.values_list("event", flat=True)) == [
        "certificate.issued",
        "product.recognised",
    ]
    assert set(deliveries.values_list("status", flat=True)) == {DeliveryStatus.PENDING}
    first = deliveries.order_by("pk").first()
    assert first.attempts == 1 and first.last_status_code in {503, 500}
    assert first.next_attempt_at > timezone.now()
    # not yet due: the sweep sends nothing
    assert webhooks.send_due() == 0
    WebhookDelivery.objects.update(next_attempt_at=timezone.now())
    assert webhooks.send_due() == 2
    assert set(deliveries.values_list("status", flat=True)) == {DeliveryStatus.DELIVERED}
    assert len(flaky.received) == 4


def test_a_receiver_that_never_answers_ends_failed_after_the_last_attempt(rec, receiver):
    subscription, _secret = webhook_create(
        actor=rec.provincial,
        province=rec.units.danang,
        name="Đã tắt",
        url="http://127.0.0.1:9/closed",
        events=["certificate.issued"],
    )
    rec.certified()
    delivery = WebhookDelivery.objects.get(subscription=subscription)
    for _ in range(webhooks.MAX_ATTEMPTS):
        WebhookDelivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())
        webhooks.send_due()
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.FAILED
    assert delivery.attempts == webhooks.MAX_ATTEMPTS and delivery.last_error


def test_another_provinces_subscriber_hears_nothing(rec, receiver):
    hanoi_shop = receiver()
    WebhookSubscription.objects.create(
        province=rec.units.hanoi,
        name="Hà Nội",
        url=hanoi_shop.url,
        secret="whsec_hn",
        events=["certificate.issued"],
    )
    rec.certified()
    assert hanoi_shop.received == []


def test_the_test_button_sends_a_signed_test_event(rec, receiver, client):
    shop = receiver()
    subscription, secret = webhook_create(
        actor=rec.provincial,
        province=rec.units.danang,
        name="Thử",
        url=shop.url,
        events=["certificate.revoked"],
    )
    client.force_login(rec.provincial)
    page = client.post(f"/api/webhooks/{subscription.pk}/test/", follow=True)
    assert page.status_code == 200
    headers, body = shop.received[0]
    assert json.loads(body)["type"] == "test"
    assert webhooks.verify(secret, headers[webhooks.SIGNATURE_HEADER], body)
    assert "Thử" in page.content.decode()
    # nobody else may send a test through this subscription
    client.force_login(rec.other_province)
    assert client.post(f"/api/webhooks/{subscription.pk}/test/").status_code == 404
    assert webhook_send_test(actor=rec.provincial, subscription=subscription)


def test_the_office_creates_a_subscription_on_its_screen(rec, client):
    client.force_login(rec.provincial)
    page = client.post(
        "/api/webhooks/",
        {
            "name": "Cổng tỉnh",
            "url": "https://cong.example.vn/hook",
            "events": ["certificate.issued"],
        },
    )
    assert page.status_code == 200
    assert "whsec_" in page.content.decode()
    assert WebhookSubscription.objects.get().province == rec.units.danang
    client.force_login(rec.producer)
    assert client.post("/api/webhooks/", {"name": "x"}).status_code == 403
