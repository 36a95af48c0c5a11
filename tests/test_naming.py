"""Naming rules: valid identifiers, FastAPI mangling undone, collisions settled without spec
order."""

from __future__ import annotations

import json
import keyword
import random
import re
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import pytest

from sdkforge.config import GenerateOptions
from sdkforge.names import naming
from sdkforge.pipeline import generate


@pytest.mark.parametrize(
    ("wire", "expected"),
    [("user-id", "user_id"), ("from", "from_"), ("1st", "n1st"), ("X-Namespace", "x_namespace"),
     ("camelCase", "camelCase"), ("_private", "private"), ("Über", "uber"), ("", "unnamed"),
     ("a" * 200, None),
     # no letter: the symbols are spelt, so GitHub's reactions stay apart and keep their sign
     ("+1", "plus_1"), ("-1", "minus_1"), (">=", "gt_eq")],
)
def test_py_name_is_always_a_plain_identifier(wire: str, expected: str | None) -> None:
    name = naming.py_name(wire)
    assert name.isidentifier() and name.isascii() and not name.startswith("_")
    assert len(name) <= naming.MAX_IDENTIFIER
    if expected is not None:
        assert name == expected


def test_field_names_avoid_basemodel_attributes_and_annotation_names() -> None:
    assert naming.field_name("model_dump") == "model_dump_"
    assert naming.field_name("json") == "json_"
    assert naming.field_name("datetime") == "datetime_"
    assert naming.field_name("to_dict") == "to_dict_"  # the runtime BaseModel's methods
    assert naming.field_name("type") == "type"


@pytest.mark.parametrize(
    ("operation_id", "method", "path", "expected"),
    [
        ("get_trigger_history_v1_clusters_triggers__trigger_id__history_post", "post",
         "/v1/clusters/triggers/{trigger_id}/history", "get_trigger_history"),
        ("listPets", "get", "/pets", "list_pets"),
        ("", "get", "/pets/{petId}", "get_pets_pet_id"),
    ],
)
def test_method_names(operation_id: str, method: str, path: str, expected: str) -> None:
    assert naming.method_name(operation_id, method, path) == expected


def test_resource_names() -> None:
    assert naming.resource_name(["Cluster Triggers", "Other"], "/x") == "cluster_triggers"
    assert naming.resource_name([], "/v1/widgets/{id}") == "widgets"
    assert naming.resource_name([""], "/v2/{id}/gadgets") == "gadgets"
    assert naming.resource_name(["close"], "/x") == "close_resource"


def test_package_and_client_names() -> None:
    assert naming.package_name("Mixpeek API") == "mixpeek"
    assert naming.client_name("mixpeek") == "Mixpeek"
    assert naming.package_name("Swagger Petstore") == "swagger_petstore"
    assert naming.package_name("2048 Game Service") == "api_2048_game"


def _spec(schemas: dict[str, object], paths: dict[str, object] | None = None) -> str:
    return json.dumps({"openapi": "3.1.0", "info": {"title": "T", "version": "1"},
                       "paths": paths or {}, "components": {"schemas": schemas}})


def _classes(tmp_path: Path, text: str) -> set[str]:
    spec = tmp_path / "spec.json"
    spec.write_text(text)
    init = generate(GenerateOptions(spec)).files["t/models/__init__.py"]
    return {line.split('"')[1] for line in init.splitlines()
            if line.startswith('    "') and line.endswith('",')}


def _obj(**props: str) -> dict[str, object]:
    return {"type": "object", "properties": {k: {"type": v} for k, v in props.items()}}


def test_mangled_keys_use_titles_and_collisions_are_qualified_without_order(tmp_path: Path) -> None:
    schemas: dict[str, object] = {
        "shared__clusters__models__TriggerHistoryResponse": {
            **_obj(a="string"), "title": "TriggerHistoryResponse"
        },
        "api__analytics__buckets__models__TimeRange": {
            **_obj(start="string"), "title": "TimeRange"
        },
        "api__analytics__clusters__models__TimeRange": {**_obj(end="string"), "title": "TimeRange"},
        "Thing-Input": _obj(x="string"),
        "Thing-Output": _obj(x="string", y="integer"),
        "shared__x__models__Config-Input": {**_obj(a="string"), "title": "Config"},
        "shared__x__models__Config-Output": {**_obj(b="string"), "title": "Config"},
        "api__one__models__Same": {**_obj(z="string"), "title": "Same"},
        "api__two__models__Same": {**_obj(z="string"), "title": "Same"},
    }
    expected = {"TriggerHistoryResponse", "BucketsTimeRange", "ClustersTimeRange", "ThingInput",
                "ThingOutput", "ConfigInput", "ConfigOutput", "Same"}
    assert _classes(tmp_path, _spec(schemas)) == expected
    keys = list(schemas)
    random.Random(7).shuffle(keys)
    assert _classes(tmp_path, _spec({k: schemas[k] for k in keys})) == expected
    # A bump that adds an unrelated schema renames nothing.
    assert _classes(tmp_path, _spec({**schemas, "Other": _obj(q="string")})) == expected | {"Other"}


def test_colliding_method_names_are_qualified_by_their_paths(tmp_path: Path) -> None:
    def op(op_id: str) -> dict[str, object]:
        return {"tags": ["Analytics"], "operationId": op_id,
                "responses": {"204": {"description": "ok"}},
                "parameters": [{"name": "id", "in": "path", "required": True,
                                "schema": {"type": "string"}}]}

    paths = {
        "/v1/analytics/clusters/{id}/failures": {
            "get": op("get_failure_analysis_v1_analytics_clusters__id__failures_get")
        },
        "/v1/analytics/collections/{id}/failures": {
            "get": op("get_failure_analysis_v1_analytics_collections__id__failures_get")
        },
        "/v1/analytics/summary/{id}": {"get": op("get_summary_v1_analytics_summary__id__get")},
    }
    spec = tmp_path / "spec.json"
    spec.write_text(_spec({}, paths))
    code = generate(GenerateOptions(spec)).files["t/resources/analytics.py"]
    for name in ("get_failure_analysis_clusters", "get_failure_analysis_collections",
                 "get_summary"):
        assert f"    def {name}(" in code


def test_one_route_mounted_at_several_paths_is_told_apart_by_version_and_parameter(
    tmp_path: Path,
) -> None:
    """LiteLLM mounts one handler at `/batches`, `/v1/batches` and `/{provider}/v1/batches`:
    their static segments are alike, and the methods were `list_batches_get_get`,
    `list_batches_get_get_` and `list_batches_get_get__`."""
    def op(op_id: str, *params: str) -> dict[str, object]:
        return {"tags": ["Batches"], "operationId": op_id,
                "responses": {"204": {"description": "ok"}},
                "parameters": [{"name": p, "in": "path", "required": True,
                                "schema": {"type": "string"}} for p in params]}

    paths = {
        "/batches": {"get": op("list_batches_batches_get")},
        "/v1/batches": {"get": op("list_batches_v1_batches_get")},
        "/{provider}/v1/batches": {"get": op("list_batches__provider__v1_batches_get", "provider")},
    }
    spec = tmp_path / "spec.json"
    spec.write_text(_spec({}, paths))
    code = generate(GenerateOptions(spec)).files["t/resources/batches.py"]
    methods = re.findall(r"^    def (\w+)\(", code, flags=re.M)
    assert {"list_batches", "list_batches_v1", "list_batches_provider_v1"} <= set(methods), methods


@pytest.mark.parametrize(
    ("title", "package"),
    [("json", "json_api"), ("Email API", "email_api"), ("httpx", "httpx_api"),
     ("typing", "typing_api"), ("class", "class_api"), ("Mixpeek API", "mixpeek"),
     # FastAPI's default title, kept by apps that set none (mlserver, dstack)
     ("FastAPI", "fastapi_api"), ("Flask", "flask_api")],
)
def test_package_names_never_shadow_the_standard_library_or_the_runtime_dependencies(
    title: str, package: str
) -> None:
    # Found by the fuzz campaign: a spec titled "json" made a package `json` that imported itself.
    assert naming.package_name(title) == package


@pytest.mark.parametrize(
    ("wanted", "resources", "client"),
    [("not_given", [], "NotGivenClient"), ("api", [], "Api"), ("sync_api", [], "SyncApi"),
     ("pets", ["Pets"], "PetsClient"), ("APIError", [], "APIErrorClient"),
     ("APIClient", [], "APIClientClient"), ("mixpeek", ["ClusterTriggers"], "Mixpeek")],
)
def test_client_class_never_takes_a_runtime_or_resource_class_name(
    wanted: str, resources: list[str], client: str
) -> None:
    # Found by the fuzz campaign: a spec titled "NOT_GIVEN" named its client NotGiven, which the
    # package's __init__ then shadowed with the runtime's sentinel class.
    assert naming.client_name(wanted, resources) == client


def test_a_spec_titled_like_a_runtime_name_still_builds_its_client(
    make_client: Callable[[str, str], ModuleType]
) -> None:
    spec = """
    openapi: 3.1.0
    info: {title: NOT_GIVEN, version: '1'}
    paths:
      /things:
        get:
          tags: [NotGiven]
          responses: {'204': {description: none}}
    """
    pkg = make_client(spec, "not_given")
    client = pkg.NotGivenClient(base_url="http://127.0.0.1:9")
    # The resource class would shadow the runtime's `NotGiven` its module imports.
    assert type(client.not_given).__name__ == "NotGivenResource"
    assert pkg.NotGiven is not pkg.NotGivenClient


@pytest.mark.parametrize("text", ["None", "none", "true", "FALSE"])
def test_class_names_are_never_keywords(text: str) -> None:
    """A spec titled "None" once gave `class None` (found by the fuzz campaign)."""
    name = naming.pascal(text)
    assert name.isidentifier() and not keyword.iskeyword(name)
    assert not keyword.iskeyword(naming.client_name(text))


def test_an_inline_allof_model_named_like_the_component_it_extends_imports(
    make_client: Callable[[str, str], ModuleType],
) -> None:
    """`Addon.health: allOf [AddonHealth, {type: object}]` wants the name `AddonHealth` (parent
    + property) and has AddonHealth's fields: it used to merge with it into
    `class AddonHealth(AddonHealth)`, a package that exits 0 and cannot be imported (8 of 150
    real specs)."""
    spec = """
    openapi: 3.1.0
    info: {title: Addons, version: '1'}
    paths:
      /addons/{id}:
        get:
          parameters: [{name: id, in: path, required: true, schema: {type: string}}]
          responses:
            '200':
              description: ok
              content: {application/json: {schema: {$ref: '#/components/schemas/Addon'}}}
    components:
      schemas:
        AddonHealth:
          type: object
          properties: {status: {type: string}}
        Addon:
          type: object
          properties:
            health:
              allOf:
                - {$ref: '#/components/schemas/AddonHealth'}
                - {type: object, description: its health}
    """
    pkg = make_client(spec, "addons")
    addon = pkg.models.Addon.model_validate({"health": {"status": "ok"}})
    assert addon.health is not None and addon.health.status == "ok"
    inline = type(addon.health)  # the inline class, in Addon's module (it alone names it)
    assert inline is not pkg.models.AddonHealth and issubclass(inline, pkg.models.AddonHealth)


def test_a_credential_named_super_does_not_break_the_client(
    make_client: Callable[[str, str], ModuleType],
) -> None:
    """An apiKey scheme named `super` once became a constructor argument `super`, so the
    constructor's own `super().__init__(...)` called None (found by the fuzz campaign)."""
    spec = """
    openapi: 3.1.0
    info: {title: Builtins, version: '1'}
    components:
      securitySchemes:
        super: {type: apiKey, in: query, name: super}
    security: [{super: []}]
    paths:
      /things:
        get:
          responses: {'204': {description: none}}
    """
    pkg = make_client(spec, "builtins_client")
    client = pkg.BuiltinsClient(base_url="http://127.0.0.1:9", super_="secret")
    assert "secret" not in repr(client)


@pytest.mark.parametrize(("text", "snake"), [
    ("floatingIPs", "floating_ips"), ("getURLs", "get_urls"), ("VPCs", "vpcs"),
    ("userIDs", "user_ids"), ("listIPsForVPC", "list_ips_for_vpc"), ("HTTPServer", "http_server"),
    ("HTTPSettings", "http_settings"), ("XMLHttpRequest", "xml_http_request"),
])
def test_acronym_plurals_stay_one_word(text: str, snake: str) -> None:
    assert naming.snake(text) == snake


@pytest.mark.parametrize(("title", "package", "client"), [
    ("OpenAI API", "openai", "OpenAI"),
    ("GitHub v3 REST API", "github", "GitHub"),
    ("OData Service for namespace microsoft.graph", "microsoft_graph", "MicrosoftGraph"),
    ("YouTube Data API v3", "youtube_data", "YouTubeData"),
    ("PayPal Invoicing API", "paypal_invoicing", "PayPalInvoicing"),
    ("GitLab API", "gitlab", "GitLab"),
    ("Mixpeek API", "mixpeek", "Mixpeek"),
    ("Swagger Petstore", "swagger_petstore", "SwaggerPetstore"),
    ("USPTO Data Set API", "uspto_data_set", "USPTODataSet"),
    ("2048 Game Service", "api_2048_game", "Api2048Game"),
    ("Email API", "email_api", "Email"),
    ("API", "api", "API"),
])
def test_package_and_client_names_read_like_the_product(
    title: str, package: str, client: str
) -> None:
    """Brand words keep their inner capitals (not `open_ai`/`OpenAi`, `git_hub_v3`); `API`,
    `REST`, `Service` and version words go; a package never shadows the standard library."""
    assert naming.package_name(title) == package
    assert naming.client_name(naming.title_client(title) or package) == client


# Titles of real specs in the public API directory (APIs-guru), with the names a user would type.
@pytest.mark.parametrize(("title", "package", "client"), [
    ("Budgea API Documentation", "budgea", "Budgea"),
    ("Transport Department, Goa", "transport_department_goa", "TransportDepartmentGoa"),
    ("Artifact Registry API", "artifact_registry", "ArtifactRegistry"),
    ("AWS Marketplace Entitlement Service", "aws_marketplace_entitlement",
     "AWSMarketplaceEntitlement"),
    ("Amazon MemoryDB", "amazon_memorydb", "AmazonMemoryDB"),
    ("OpenCage Geocoder", "opencage_geocoder", "OpenCageGeocoder"),
    ("AWS Cloud Map", "aws_cloud_map", "AWSCloudMap"),
    ("ETSI GS MEC 010-2 - Part 2: Application lifecycle, rules and requirements management",
     "etsi_gs_mec_010_2", "ETSIGSMEC0102"),
    ("NFL v3 Play-by-Play", "nfl_play_by_play", "NFLPlayByPlay"),
    ("AWS IoT 1-Click Projects Service", "aws_iot_1_click_projects", "AWSIoT1ClickProjects"),
    ("Custom Search Client", "custom_search", "CustomSearch"),
    ("MaintenanceManagementClient", "maintenance_management", "MaintenanceManagement"),
    ("SqlManagementClient", "sql_management", "SqlManagement"),
    ("AWS Resource Groups Tagging API", "aws_resource_groups_tagging",
     "AWSResourceGroupsTagging"),
    ("My Business Place Actions API", "my_business_place_actions", "MyBusinessPlaceActions"),
    ("Amazon SageMaker geospatial capabilities", "amazon_sagemaker_geospatial_capabilities",
     "AmazonSageMakerGeospatialCapabilities"),
    ("ChannelShipper & Royal Mail Public API", "channelshipper_royal_mail_public",
     "ChannelShipperRoyalMailPublic"),
    ("eDistrict Odisha, Odisha", "edistrict_odisha_odisha", "EDistrictOdishaOdisha"),
    ("Promotions & Taxes API", "promotions_taxes", "PromotionsTaxes"),
    ("Spinitron v2 API", "spinitron", "Spinitron"),
    ("BeyondCorp API", "beyondcorp", "BeyondCorp"),
    ("FinSpace Public API", "finspace_public", "FinSpacePublic"),
    ("PTV Timetable API - Version 3", "ptv_timetable", "PTVTimetable"),
    ("shipstation", "shipstation", "Shipstation"),
    ("Language Identification (Prediction)", "language_identification",
     "LanguageIdentification"),
    ("Stripe API", "stripe", "Stripe"),
    ("Slack Web API", "slack_web", "SlackWeb"),
    ("DigitalOcean API", "digitalocean", "DigitalOcean"),
    ("Twilio - Api", "twilio", "Twilio"),
    ("Discord HTTP API (Preview)", "discord_http", "DiscordHTTP"),
    ("Jira Cloud platform REST API", "jira_cloud_platform", "JiraCloudPlatform"),
    ("Docker Engine API", "docker_engine", "DockerEngine"),
    ("The Twitter API v2 (beta)", "twitter", "Twitter"),
])
def test_real_titles_give_the_names_a_user_would_type(
    title: str, package: str, client: str
) -> None:
    assert naming.package_name(title) == package
    assert naming.client_name(naming.title_client(title) or package) == client


# Operations of real specs in the public API directory: (operationId, first tag, method, path)
# -> the resource and the method a user calls.
@pytest.mark.parametrize(("spec", "operation_id", "tag", "method", "path", "call"), [
    ("stripe", "PostCustomersCustomerSources", "", "post", "/v1/customers/{customer}/sources",
     "customers.post_customer_sources"),
    ("stripe", "GetSetupIntents", "", "get", "/v1/setup_intents", "setup_intents.get"),
    ("stripe", "GetChargesChargeRefunds", "", "get", "/v1/charges/{charge}/refunds",
     "charges.get_charge_refunds"),
    ("slack", "chat_postMessage", "chat", "post", "/chat.postMessage", "chat.post_message"),
    ("slack", "usergroups_list", "usergroups", "get", "/usergroups.list", "usergroups.list"),
    ("slack", "admin_teams_create", "admin.teams", "post", "/admin.teams.create",
     "admin_teams.create"),
    ("digitalocean", "droplets_list", "Droplets", "get", "/v2/droplets", "droplets.list"),
    ("digitalocean", "droplets_list_kernels", "Droplets", "get",
     "/v2/droplets/{droplet_id}/kernels", "droplets.list_kernels"),
    ("digitalocean", "volumeActions_list", "Block Storage Actions", "get",
     "/v2/volumes/{volume_id}/actions", "block_storage_actions.volume_actions_list"),
    ("digitalocean", "floatingIPs_list", "Floating IPs", "get", "/v2/floating_ips",
     "floating_ips.list"),
    ("github", "pulls/merge", "pulls", "put", "/repos/{owner}/{repo}/pulls/{pull_number}/merge",
     "pulls.merge"),
    ("github", "issues/list-labels-for-repo", "issues", "get", "/repos/{owner}/{repo}/labels",
     "issues.list_labels_for_repo"),
    ("github", "repos/get", "repos", "get", "/repos/{owner}/{repo}", "repos.get"),
    ("spotify", "add-tracks-to-playlist", "Playlists", "post", "/playlists/{playlist_id}/tracks",
     "playlists.add_tracks_to_playlist"),
    ("spotify", "get-playlist", "Playlists", "get", "/playlists/{playlist_id}", "playlists.get"),
    ("box", "get_shield_information_barriers", "Shield information barriers", "get",
     "/shield_information_barriers", "shield_information_barriers.get"),
    ("asana", "updateProject", "Projects", "put", "/projects/{project_gid}", "projects.update"),
    ("asana", "getWorkspaces", "Workspaces", "get", "/workspaces", "workspaces.get"),
    ("zoom", "listDigitalSignageContent", "Rooms", "get", "/rooms/digital_signage",
     "rooms.list_digital_signage_content"),
    ("xero", "getContactByContactNumber", "Accounting", "get", "/Contacts/{ContactNumber}",
     "accounting.get_contact_by_contact_number"),
    ("docker", "ContainerStop", "Container", "post", "/containers/{id}/stop", "container.stop"),
    ("docker", "SecretList", "Secret", "get", "/secrets", "secret.list"),
    ("kubernetes", "replaceCoreV1NamespacedService", "core_v1", "put",
     "/api/v1/namespaces/{namespace}/services/{name}", "core_v1.replace_namespaced_service"),
    ("mixpeek", "get_trigger_history_v1_clusters_triggers__trigger_id__history_post",
     "Cluster Triggers", "post", "/v1/clusters/triggers/{trigger_id}/history",
     "cluster_triggers.get_history"),
])
def test_real_operations_give_the_calls_a_user_would_type(
    spec: str, operation_id: str, tag: str, method: str, path: str, call: str
) -> None:
    resource = naming.resource_name([tag] if tag else [], path)
    full = naming.method_name(operation_id, method, path)
    assert f"{resource}.{naming.without_resource(full, resource) or full}" == call


def test_a_resource_named_resource_does_not_shadow_the_descriptor(
    make_client: Callable[[str, str], ModuleType],
) -> None:
    """The client's class body makes each resource with `resource(...)`: a resource taking that
    name (Kubernetes' `resource` API group) made the class body call the attribute after it,
    and the package did not import."""
    spec = """
    openapi: 3.1.0
    info: {title: Groups, version: '1'}
    paths:
      /resource/things:
        get:
          tags: [resource]
          operationId: listResourceThings
          responses: {'204': {description: ok}}
      /zones:
        get: {tags: [zones], operationId: listZones, responses: {'204': {description: ok}}}
    """
    pkg = make_client(spec, "groups")
    client = pkg.Groups(base_url="http://127.0.0.1:9")
    assert type(client.resource_resource).__name__ == "ResourceResource"
    assert type(client.zones).__name__ == "Zones"


def test_models_named_like_what_the_models_package_calls_still_load(
    make_client: Callable[[str, str], ModuleType],
) -> None:
    """Loading a model module binds its name in the models package: a schema named `Importlib`
    in a module `importlib` replaced the module the lazy `__getattr__` calls, and no model
    loaded. A property `to_dict` hid the runtime's method of that name."""
    spec = """
    openapi: 3.1.0
    info: {title: Shadows, version: '1'}
    paths: {}
    components:
      schemas:
        Importlib: {type: object, properties: {to_dict: {type: string}}}
        str: {type: object, properties: {s: {type: string}}}
        Getattr: {type: object, properties: {s: {type: string}}}
    """
    models = make_client(spec, "shadows").models
    loaded = models.Importlib.model_validate({"to_dict": "x"})
    assert loaded.to_dict() == {"to_dict": "x"}
    assert models.Str(s="a").s == "a" and models.Getattr(s="b").s == "b"


def test_of_schemas_spelt_alike_the_one_spelt_as_the_class_keeps_the_name() -> None:
    """`User`, `user` and `User_` all ask for `User`: `User` keeps it, where all three took a
    digest and nobody could tell which was the spec's `User`."""
    keys = ["#/components/schemas/User", "#/components/schemas/user",
            "#/components/schemas/User_"]
    names = naming.resolve_class_names({k: ("User", False, 0) for k in keys}, lambda k: k)
    assert names[keys[0]] == "User"
    assert len(set(names.values())) == 3 and all(n.startswith("User") for n in names.values())
