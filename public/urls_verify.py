"""Stamp and certificate addresses, as printed in QR codes.

The GS1 Digital Link forms a resolver accepts (the GTIN as 8 to 14 digits, leading zeros
included; the lot percent-encoded, and decoded by the server before routing):

- ``01/<gtin>/10/<lot>/21/<serial>`` — the form printed on our stamps;
- ``01/<gtin>/21/<serial>`` — without the lot;

the short form ``s/<serial>`` for products without a GTIN, and ``c/<code>`` for the
verification code printed on a certificate.
"""

from django.urls import path, re_path

from public import verify

GTIN = r"(?P<gtin>\d{8,14})"
SERIAL = r"(?P<serial>[^/]{1,64})"

urlpatterns = [
    re_path(
        rf"^01/{GTIN}/10/(?P<lot>.{{1,80}})/21/{SERIAL}/?$",
        verify.digital_link,
        name="stamp_link",
    ),
    re_path(rf"^01/{GTIN}/21/{SERIAL}/?$", verify.digital_link, name="stamp_link_nolot"),
    re_path(rf"^s/{SERIAL}/?$", verify.short_link, name="stamp"),
    re_path(rf"^s/{SERIAL}/report/$", verify.report_fake, name="report_fake"),
    path("report/thanks/", verify.report_thanks, name="report_thanks"),
    re_path(r"^c/(?P<code>[^/]{1,64})/?$", verify.certificate, name="certificate"),
]
