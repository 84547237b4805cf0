package dev.anneal.model;

import ai.djl.ndarray.NDArray;
import dev.anneal.preset.MoeSpec;
import java.util.Map;

/**
 * The MoE feed-forward written out densely in Java doubles, token by token: softmax router,
 * (biased, group-limited) top-k choice, weights renormalised over the chosen experts, every expert
 * a SwiGLU. Independent of the NDArray implementation it checks.
 */
final class DenseMoeReference {
  final int n, c, e, k;
  final double[][] probs;
  final int[][] chosen;
  final double[][] out;

  DenseMoeReference(float[] x, int n, int c, MoeSpec spec, Map<String, NDArray> params, String p) {
    this.n = n;
    this.c = c;
    this.e = spec.experts();
    this.k = spec.expertsPerToken();
    float[] gate = params.get(p + "gate.weight").toFloatArray();
    NDArray biasArray = params.get(p + "gate.e_score_correction_bias");
    float[] bias = biasArray == null ? new float[e] : biasArray.toFloatArray();
    probs = new double[n][];
    chosen = new int[n][];
    out = new double[n][];
    for (int t = 0; t < n; t++) {
      double[] xt = row(x, t, c);
      double[] logits = matVec(gate, e, c, xt);
      probs[t] = softmax(logits);
      double[] score = new double[e];
      for (int i = 0; i < e; i++) score[i] = probs[t][i] + bias[i];
      limitGroups(score, spec.groups(), spec.topkGroups());
      chosen[t] = topK(score, k);
      double sum = 0;
      for (int j : chosen[t]) sum += probs[t][j];
      double[] y = new double[c];
      for (int j : chosen[t]) {
        double w = probs[t][j] / sum * spec.routeScale();
        double[] ye = swiglu(params, p + "experts." + j + ".", "w1", "w3", "w2", xt);
        for (int i = 0; i < c; i++) y[i] += w * ye[i];
      }
      if (spec.sharedExperts() > 0) {
        double[] ys =
            swiglu(params, p + "shared_experts.", "gate_proj", "up_proj", "down_proj", xt);
        for (int i = 0; i < c; i++) y[i] += ys[i];
      }
      out[t] = y;
    }
  }

  private double[] swiglu(
      Map<String, NDArray> params, String p, String g, String u, String d, double[] x) {
    NDArray gw = params.get(p + g + ".weight");
    int width = (int) gw.getShape().get(0);
    double[] a = matVec(gw.toFloatArray(), width, c, x);
    double[] b = matVec(params.get(p + u + ".weight").toFloatArray(), width, c, x);
    double[] h = new double[width];
    for (int i = 0; i < width; i++) h[i] = a[i] / (1 + Math.exp(-a[i])) * b[i];
    return matVec(params.get(p + d + ".weight").toFloatArray(), c, width, h);
  }

  private void limitGroups(double[] score, int groups, int keep) {
    if (groups <= 1) return;
    int size = e / groups;
    double[] best = new double[groups];
    for (int g = 0; g < groups; g++) {
      best[g] = Double.NEGATIVE_INFINITY;
      for (int i = 0; i < size; i++) best[g] = Math.max(best[g], score[g * size + i]);
    }
    int[] kept = topK(best, keep);
    for (int g = 0; g < groups; g++) {
      boolean in = false;
      for (int j : kept) in |= j == g;
      if (!in) for (int i = 0; i < size; i++) score[g * size + i] = Double.NEGATIVE_INFINITY;
    }
  }

  static double[] row(float[] x, int t, int c) {
    double[] r = new double[c];
    for (int i = 0; i < c; i++) r[i] = x[t * c + i];
    return r;
  }

  /** W [rows, cols] · v. */
  static double[] matVec(float[] w, int rows, int cols, double[] v) {
    double[] y = new double[rows];
    for (int r = 0; r < rows; r++) {
      double s = 0;
      for (int j = 0; j < cols; j++) s += w[r * cols + j] * v[j];
      y[r] = s;
    }
    return y;
  }

  static double[] softmax(double[] z) {
    double max = Double.NEGATIVE_INFINITY;
    for (double v : z) max = Math.max(max, v);
    double sum = 0;
    double[] p = new double[z.length];
    for (int i = 0; i < z.length; i++) sum += p[i] = Math.exp(z[i] - max);
    for (int i = 0; i < z.length; i++) p[i] /= sum;
    return p;
  }

  static int[] topK(double[] s, int k) {
    int[] best = new int[k];
    boolean[] used = new boolean[s.length];
    for (int j = 0; j < k; j++) {
      int arg = -1;
      for (int i = 0; i < s.length; i++) if (!used[i] && (arg < 0 || s[i] > s[arg])) arg = i;
      used[arg] = true;
      best[j] = arg;
    }
    return best;
  }
}
