"""Issue clusters: which initiatives form one issue's change system, with ids that stay put.

`assign` groups initiatives by meaning (a nearest-neighbour graph split by seeded Louvain),
`ids` carries ids over from the previous run by membership, `naming` names each cluster from
its most central members' words, and `store` keeps the last assignment between runs.
"""

from analysis.clusters.assign import Cluster, ClusterAssignment, ClusterSettings, assign_clusters
from analysis.clusters.store import StoredAssignment, load_assignment, save_assignment

__all__ = [
    "Cluster",
    "ClusterAssignment",
    "ClusterSettings",
    "StoredAssignment",
    "assign_clusters",
    "load_assignment",
    "save_assignment",
]
