package io.pygmy.bench;

import io.pygmy.cluster.LocalCluster;
import io.pygmy.config.NodeAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Samples every node of a local cluster for the soak: resident memory ({@code /proc/<pid>/status} of the
 * pid in {@code DATA/run/<node>.pid}), the size of {@code DATA/<node>/}, and from {@code /status} the
 * node's role and the largest apply stall and snapshot time it reported since the last sample.
 */
final class ClusterSampler {
  private final LocalCluster cluster;
  private final Map<String, String> roles = new HashMap<>();
  private final Map<String, Double> stallMax = new HashMap<>();
  private final Map<String, Double> snapshotMax = new HashMap<>();

  ClusterSampler(LocalCluster cluster) {
    this.cluster = cluster;
  }

  /** Reads every node's status, keeping the interval's largest stall and snapshot figures. */
  synchronized void poll() {
    for (NodeAddress n : cluster.config().nodes()) {
      Optional<NodeProbe.Status> s = NodeProbe.fetch(n);
      if (s.isPresent()) {
        roles.put(n.name(), s.get().role());
        stallMax.merge(n.name(), orNaN(s.get().applyStallMaxMillis()), ClusterSampler::maxKnown);
        snapshotMax.merge(n.name(), orNaN(s.get().snapshotMaxMillis()), ClusterSampler::maxKnown);
      } else {
        roles.put(n.name(), "down");
      }
    }
  }

  /** Every node now; the stall and snapshot figures are the maxima since the last call, then reset. */
  synchronized List<SoakResult.NodeSample> sample() {
    List<SoakResult.NodeSample> out = new ArrayList<>();
    for (NodeAddress n : cluster.config().nodes()) {
      Long rss = cluster.pid(n.name()).flatMap(NodeProbe::rssOf).orElse(null);
      out.add(new SoakResult.NodeSample(n.name(), n.service().id(), roles.get(n.name()), rss,
          NodeProbe.diskBytes(cluster.dataDir().resolve(n.name())), known(stallMax.get(n.name())),
          known(snapshotMax.get(n.name()))));
    }
    stallMax.clear();
    snapshotMax.clear();
    return out;
  }

  /** The whole cluster's resident memory now. */
  SoakResult.Memory memory(double atSeconds) {
    poll();
    List<SoakResult.NodeSample> nodes = sample();
    return new SoakResult.Memory(atSeconds, SoakSeries.total(nodes, SoakResult.NodeSample::rssBytes), nodes);
  }

  // NaN stands for "not reported" inside the maps, so that merge keeps a figure once one was seen.
  private static double orNaN(Double v) {
    return v == null ? Double.NaN : v;
  }

  private static Double maxKnown(Double a, Double b) {
    return a.isNaN() ? b : b.isNaN() ? a : Math.max(a, b);
  }

  private static Double known(Double v) {
    return v == null || v.isNaN() ? null : v;
  }
}
