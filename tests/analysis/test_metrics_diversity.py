"""E-I index, Blau diversity and missing sectors, on two initiatives and their stakeholders.

P (civil society by default) works with Q (government, its own `sector`). Stakeholders:
P: Council (government), Uni (academia), Shop (business), Somebody (no sector: left out).
Q: Council (government), Tenants (communities).
"""

from __future__ import annotations

import pytest

from analysis.metrics import SystemMetrics, analyze_cluster
from tests.analysis.factory import profile

GOV = "government"


@pytest.fixture
def result() -> SystemMetrics:
    profiles = [
        profile(
            "p",
            "P",
            partners=["Q"],
            stakeholders=[
                {"name": "Council", "sector": GOV},
                {"name": "Uni", "sector": "academia"},
                {"name": "Shop", "sector": "business"},
                {"name": "Somebody"},
            ],
        ),
        profile(
            "q",
            "Q",
            extra={"sector": GOV},
            stakeholders=[
                {"name": "Council", "sector": GOV},
                {"name": "Tenants", "sector": "communities"},
            ],
        ),
    ]
    return analyze_cluster(profiles, ["p", "q"])


def test_ei_index(result: SystemMetrics) -> None:
    # ties with both sectors known: P-Q ext, P-Council ext, P-Uni ext, P-Shop ext,
    # Q-Council int (gov-gov), Q-Tenants ext -> E = 5, I = 1
    # E-I = (5 - 1) / 6 = 0.6667; cross-sector share = 5/6
    ei = result.ei_index
    assert ei.n == 6
    assert ei.value == pytest.approx(4 / 6)
    assert ei.parts["external"] == 5
    assert ei.parts["internal"] == 1
    assert ei.parts["cross_sector_share"] == pytest.approx(5 / 6)
    # government: P-Q, P-Council, Q-Tenants external, Q-Council internal -> (3-1)/4 = 0.5
    assert ei.parts["per_sector"] == {
        "academia": 1.0,
        "business": 1.0,
        "civil_society": 1.0,
        "communities": 1.0,
        GOV: 0.5,
    }


def test_blau_sector_diversity(result: SystemMetrics) -> None:
    # actors: P cs, Q gov, Council gov, Uni acad, Shop bus, Tenants comm -> counts 1,2,1,1,1 of 6
    # Blau = 1 - (1 + 4 + 1 + 1 + 1)/36 = 28/36 = 0.7778; normalised / (1 - 1/8) = 0.8889
    div = result.sector_diversity
    assert div.n == 6
    assert div.value == pytest.approx(28 / 36)
    assert div.parts["normalised"] == pytest.approx((28 / 36) / (7 / 8))
    assert div.parts["initiatives_only"] == pytest.approx(0.5)  # 1 - (1/4 + 1/4)


def test_missing_sectors(result: SystemMetrics) -> None:
    assert result.missing_sectors.value == 3
    assert result.missing_sectors.parts["missing"] == ["funders", "intergovernmental", "media"]


def test_too_few_ties_and_actors() -> None:
    tiny = analyze_cluster([profile("p", "P", stakeholders=[{"name": "C", "sector": GOV}])], ["p"])
    assert not tiny.ei_index.enough
    assert (tiny.ei_index.n, tiny.ei_index.min_n) == (1, 5)
    assert not tiny.sector_diversity.enough
    assert tiny.sector_diversity.n == 2
    assert not tiny.missing_sectors.enough
