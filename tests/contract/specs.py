"""The specs `make contract` runs, and why each was chosen.

Picked with `python -m tests.contract.scan` (counts of operations showing each feature, over the
whole directory), small to moderate ones first so a full run stays near 15 minutes on 2 cores.
The directory holds no cookie parameter, no `label` or `matrix` path style and no exploded
header or path value in any of its 2,639 specs, and `pipeDelimited` only in one 352-operation
spec: `styles.yaml` beside this file (written here) covers those, so every style/explode pair of
OpenAPI 3.1 §4.8.12.4 is sent at least once.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent


@dataclass(frozen=True, slots=True)
class Chosen:
    id: str  # the directory's spec id, or `local/NAME` for a spec beside this file
    why: str


CHOSEN = (
    Chosen("apple.com/sirikit-cloud-media",
           "11 discriminated schemas (oneOf + mapping) in 6 operations; required headers on "
           "every operation (client-level headers); 204s"),
    Chosen("azure.com/databox",
           "8 discriminators (Azure's `x-ms-discriminator-value` style, allOf children); "
           "`default` responses on all 16 operations; api-version query; 204s"),
    Chosen("seldon.local/wrapper",
           "form bodies (6) and objects in the query (form, explode); server variables"),
    Chosen("twilio.com/twilio_media_v1",
           "form bodies with arrays and optional fields; basic auth; a 204"),
    Chosen("datumbox.com", "every operation (14) takes a form body"),
    Chosen("pdfblocks.com",
           "multipart bodies with files on all 12 operations; binary (PDF) responses"),
    Chosen("synq.fm", "multipart bodies (7); text responses"),
    Chosen("apisetu.gov.in/transport",
           "binary responses (application/pdf) on every operation; apiKey headers"),
    Chosen("parliament.uk/commonsvotes",
           "text responses (text/plain, text/csv beside JSON) on every operation"),
    Chosen("nexmo.com/numbers",
           "form bodies and text responses; apiKey in the query"),
    Chosen("mercedes-benz.com/image",
           "204 on every operation; image (binary) responses"),
    Chosen("ebay.com/sell-metadata", "204s (6 of 8); server variables in the base URL"),
    Chosen("apideck.com/issue-tracking",
           "deepObject (explode) objects in the query; header parameters on every operation; "
           "`default` responses"),
    Chosen("soundcloud.com",
           "the directory's one deepObject without explode; form arrays without explode (12); "
           "multipart and form bodies"),
    Chosen("apideck.com/vault",
           "the directory's one spaceDelimited (no explode); deepObject; header parameters "
           "(24 operations); 204s; `default` responses"),
    Chosen("weber-gesamtausgabe.de",
           "arrays in the query, form without explode (8); `default` responses"),
    Chosen("spinitron.com", "arrays in the query, form with explode (8); a form body"),
    Chosen("daniweb.com",
           "arrays in the path (simple, no explode: 15); multipart bodies (28)"),
    Chosen("cloudmersive.com/ocr",
           "multipart file uploads (19) with text responses (20); header parameters, one an "
           "array (simple)"),
    Chosen("1password.com/events", "`default` responses on every operation; bearer auth"),
    Chosen("interactivebrokers.com", "204s on 11 of 16 operations"),
    Chosen("amazonaws.com/mediastore-data",
           "AWS style: 4 server variables (region), header parameters on every operation, "
           "binary bodies and responses"),
    Chosen("zalando.com",
           "query arrays in both explode forms (19); path arrays (simple); header parameters"),
    Chosen("redhat.com/catalog_inventory",
           "deepObject filters (20 operations, nested objects); server variables; 204s"),
    Chosen("local/styles",
           "written here: what the directory lacks: cookie parameters, `label` and `matrix` "
           "paths, exploded path and header values, pipeDelimited, objects in every style"),
)

# Behind `--extra`: worth running, too big for every run.
EXTRA = (
    Chosen("appcenter.ms",
           "the directory's one pipeDelimited (17 operations); 23 discriminators; 352 "
           "operations"),
    Chosen("stripe.com",
           "the best-known payments API: form bodies whose `encoding` says deepObject (451 of "
           "452 operations), deepObject queries (213); about 450 operations"),
)


def local_spec(chosen: Chosen) -> Path | None:
    if chosen.id.startswith("local/"):
        return HERE / f"{chosen.id.removeprefix('local/')}.yaml"
    return None
