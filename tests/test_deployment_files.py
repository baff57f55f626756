"""The deployment files agree with each other and with the application. No container engine
runs here: compose.yaml, the Caddyfile, the Containerfile and publiccode.yml are read and
checked and the shell scripts are parsed. The image's static-files step
(deploy/build-static.sh) takes minutes (compressing every npm file): it is run by hand, see
docs/deployment.md."""

import re
import subprocess
import tomllib
from pathlib import Path

import pytest
import yaml
from django.conf import settings

ROOT = Path(__file__).resolve().parents[1]
APP_SERVICES = ["migrate", "web1", "web2", "worker", "timers"]
MEDIA = "/var/lib/approdo/media"


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((ROOT / "compose.yaml").read_text())


@pytest.fixture(scope="module")
def containerfile() -> str:
    return (ROOT / "Containerfile").read_text()


def test_compose_runs_the_database_two_servers_the_worker_and_the_proxy(compose):
    services = compose["services"]
    assert set(services) == {"db", "redis", "proxy", *APP_SERVICES}
    images = {services[name]["image"] for name in APP_SERVICES}
    assert len(images) == 1  # one image for every process
    for name in APP_SERVICES:
        environment = services[name]["environment"]
        assert environment["DEBUG"] == "0"
        assert (
            environment["DATABASE_URL"].startswith("postgres://")
            and "@db:5432/" in (environment["DATABASE_URL"])
        )
        assert environment["APPRODO_BEHIND_PROXY"] == "1"
        assert environment["APPRODO_TRUSTED_PROXIES"] == "1"  # Caddy, and nothing else
        assert "127.0.0.1" in environment["ALLOWED_HOSTS"]  # the health check's host
        assert ":?" in environment["SECRET_KEY"]  # refuses to start without one
        assert f"media:{MEDIA}" in services[name]["volumes"]
        assert environment["APPRODO_MEDIA_ROOT"] == MEDIA
        assert environment["REDIS_URL"] == "redis://redis:6379/0"  # one cache for every process


def test_every_long_running_service_restarts_and_the_servers_are_health_checked(compose):
    services = compose["services"]
    for name in ["db", "redis", "web1", "web2", "worker", "timers", "proxy"]:
        assert services[name]["restart"] == "unless-stopped", name
    assert services["migrate"]["restart"] == "no"
    assert services["worker"]["command"] == ["approdo", "worker"]
    for name in ["web1", "web2"]:
        assert services[name]["healthcheck"]["test"] == [
            "CMD",
            "python",
            "/opt/approdo/deploy/healthcheck.py",
        ]
        assert services[name]["depends_on"]["migrate"] == {
            "condition": "service_completed_successfully"
        }
        assert services[name]["depends_on"]["db"] == {"condition": "service_healthy"}
        assert services[name]["depends_on"]["redis"] == {"condition": "service_healthy"}
    assert services["proxy"]["depends_on"] == {
        "web1": {"condition": "service_healthy"},
        "web2": {"condition": "service_healthy"},
    }
    assert "pg_isready" in services["db"]["healthcheck"]["test"]


def test_data_lives_in_named_volumes(compose):
    assert set(compose["volumes"]) == {"pgdata", "media", "caddy_data", "caddy_config"}
    assert "pgdata:/var/lib/postgresql/data" in compose["services"]["db"]["volumes"]
    assert "caddy_data:/data" in compose["services"]["proxy"]["volumes"]


def test_the_health_check_asks_the_status_endpoint():
    source = (ROOT / "deploy" / "healthcheck.py").read_text()
    assert "http://127.0.0.1:8000/api/v1/status" in source
    assert '"X-Forwarded-Proto": "https"' in source  # not redirected to HTTPS


def test_caddy_balances_the_two_servers_and_checks_them():
    caddyfile = (ROOT / "Caddyfile").read_text()
    assert re.search(r"reverse_proxy web1:8000 web2:8000 \{", caddyfile)
    assert "health_uri /api/v1/status" in caddyfile
    assert "{$APPRODO_DOMAIN} {" in caddyfile  # a host name: Caddy obtains the certificate
    assert "/media" not in caddyfile.replace("media folder", "")  # uploads go through checks


def test_the_image_has_weasyprint_libraries_npm_assets_and_gunicorn(containerfile, compose):
    for package in ["libpango-1.0-0", "libpangoft2-1.0-0", "libharfbuzz-subset0", "fonts-"]:
        assert package in containerfile
    assert "npm ci --omit=dev" in containerfile
    assert "COPY --from=assets /build/node_modules /opt/approdo/node_modules" in containerfile
    assert "RUN /opt/approdo/deploy/build-static.sh" in containerfile
    assert '"gunicorn", "approdo.wsgi:application"' in containerfile
    assert "deploy/healthcheck.py" in containerfile
    assert "USER approdo" in containerfile
    # pg_dump must not be older than the server it dumps.
    client = re.search(r"postgresql-client-(\d+)", containerfile).group(1)
    server = compose["services"]["db"]["image"].rsplit(":", 1)[1]
    assert client == server


def test_the_static_step_checks_every_npm_folder_the_settings_serve():
    script = (ROOT / "deploy" / "build-static.sh").read_text()
    node_modules = Path(settings.NODE_MODULES)
    served = [
        str(Path(source).relative_to(node_modules))
        for entry in settings.STATICFILES_DIRS
        if isinstance(entry, tuple)
        for source in [entry[1]]
    ]
    assert served
    for folder in served:
        assert folder in script


@pytest.mark.parametrize(
    "script",
    sorted(str(p.relative_to(ROOT)) for p in (ROOT / "deploy").glob("*.sh"))
    + ["scripts/check_restore.sh"],
)
def test_shell_scripts_parse_and_are_executable(script):
    path = ROOT / script
    assert path.stat().st_mode & 0o111, f"{script} is not executable"
    result = subprocess.run(["sh", "-n", str(path)], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr


def test_publiccode_yml_follows_the_standard_and_the_project():
    publiccode = yaml.safe_load((ROOT / "publiccode.yml").read_text())
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    required = {
        "publiccodeYmlVersion",
        "name",
        "url",
        "softwareVersion",
        "releaseDate",
        "platforms",
        "categories",
        "developmentStatus",
        "softwareType",
        "description",
        "legal",
        "maintenance",
        "localisation",
    }
    assert required <= set(publiccode)
    assert publiccode["publiccodeYmlVersion"] == "0.4"
    assert publiccode["softwareVersion"] == project["version"]
    assert publiccode["legal"]["license"] == project["license"]
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", publiccode["releaseDate"])
    assert publiccode["developmentStatus"] in {
        "concept",
        "development",
        "beta",
        "stable",
        "obsolete",
    }
    assert publiccode["softwareType"] == "standalone/web"
    assert publiccode["maintenance"]["type"] in {"internal", "contract", "community", "none"}
    assert publiccode["maintenance"]["contacts"]
    languages = [code for code, _name in settings.LANGUAGES]
    assert publiccode["localisation"]["availableLanguages"] == languages
    italian = publiccode["description"]["it"]
    assert len(italian["shortDescription"]) <= 150
    assert len(italian["longDescription"]) >= 150
    assert italian["features"] and all(len(feature) <= 100 for feature in italian["features"])
    assert {dependency["name"] for dependency in publiccode["dependsOn"]["open"]} >= {
        "PostgreSQL",
        "Python",
    }
