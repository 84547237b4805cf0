package dev.anneal.preset;

/**
 * The architecture of a decoder-only transformer.
 *
 * <p>Two families share this record: {@code gpt2} (learned positions, LayerNorm, GELU, biases) and
 * {@code llama} (RoPE, RMSNorm, SwiGLU, grouped-query attention; Qwen2 adds q/k/v bias; a {@link
 * MoeSpec} turns the feed-forward into routed plus shared experts, as in Mixtral and seed 004).
 * Defaults that depend on the family are filled here, so a preset names only what differs.
 *
 * <p>Letters used in shapes elsewhere: C = {@code hidden}, H = {@code heads}, Hkv = {@code
 * kvHeads}, D = {@code headDim}, I = {@code intermediate}, V = {@code vocab}, T ≤ {@code context}.
 */
public record ModelSpec(
    Family family,
    Integer layers,
    Integer hidden,
    Integer heads,
    Integer kvHeads,
    Integer headDim,
    Integer intermediate,
    Integer vocab,
    Integer context,
    Position position,
    Norm norm,
    Double normEps,
    Activation activation,
    Boolean qkvBias,
    Boolean outBias,
    Boolean mlpBias,
    Boolean normBias,
    Boolean tieEmbeddings,
    Double ropeTheta,
    RopeScaling ropeScaling,
    MoeSpec moe,
    Double dropout,
    Double initStd) {

  public ModelSpec {
    boolean gpt2 = family == Family.GPT2;
    if (kvHeads == null) kvHeads = heads;
    if (headDim == null && hidden != null && heads != null && heads > 0) headDim = hidden / heads;
    if (intermediate == null && gpt2 && hidden != null) intermediate = 4 * hidden;
    if (position == null) position = gpt2 ? Position.LEARNED : Position.ROPE;
    if (norm == null) norm = gpt2 ? Norm.LAYERNORM : Norm.RMSNORM;
    if (normEps == null) normEps = gpt2 ? 1e-5 : 1e-6;
    if (activation == null) activation = gpt2 ? Activation.GELU : Activation.SWIGLU;
    if (qkvBias == null) qkvBias = gpt2;
    if (outBias == null) outBias = gpt2;
    if (mlpBias == null) mlpBias = gpt2;
    if (normBias == null) normBias = norm == Norm.LAYERNORM;
    if (tieEmbeddings == null) tieEmbeddings = gpt2;
    if (ropeTheta == null) ropeTheta = 10_000.0;
    if (dropout == null) dropout = 0.0;
    if (initStd == null) initStd = 0.02;
  }

  /** A builder of a {@code family} model; unset fields take the family's defaults. */
  public static ModelSpecBuilder builder(Family family) {
    return new ModelSpecBuilder(family);
  }

  /** A builder holding this spec, for a copy with some fields changed. */
  public ModelSpecBuilder toBuilder() {
    return new ModelSpecBuilder(this);
  }

  /** The same architecture with another RoPE scaling (null: plain RoPE). */
  public ModelSpec withRopeScaling(RopeScaling scaling) {
    return new ModelSpec(
        family,
        layers,
        hidden,
        heads,
        kvHeads,
        headDim,
        intermediate,
        vocab,
        context,
        position,
        norm,
        normEps,
        activation,
        qkvBias,
        outBias,
        mlpBias,
        normBias,
        tieEmbeddings,
        ropeTheta,
        scaling,
        moe,
        dropout,
        initStd);
  }

  /** Whether the feed-forward is a mixture of experts. */
  public boolean hasExperts() {
    return moe != null;
  }

  /** Width of the concatenated query heads, H·D (equals C unless head_dim is set). */
  public int queryWidth() {
    return heads * headDim;
  }

  /** Width of the concatenated key (or value) heads, Hkv·D. */
  public int kvWidth() {
    return kvHeads * headDim;
  }

  /** The Hugging Face {@code model_type} this architecture maps to. */
  public String hfModelType() {
    if (family == Family.GPT2) return "gpt2";
    if (hasExperts()) return moe.sharedExperts() > 0 ? "anneal_moe" : "mixtral";
    return qkvBias ? "qwen2" : "llama";
  }
}
