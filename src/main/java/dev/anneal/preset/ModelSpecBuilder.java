package dev.anneal.preset;

/**
 * Builds a {@link ModelSpec} field by field, as litgpt's {@code Config.from_name(..., n_layer=2)}
 * does: a field left unset takes the family's default, as in a preset file that omits it. For tiny
 * test models and for copies with a few fields changed ({@link ModelSpec#toBuilder()}). Setting a
 * field to null gives it back its default.
 */
public final class ModelSpecBuilder {
  private final Family family;
  private Integer layers;
  private Integer hidden;
  private Integer heads;
  private Integer kvHeads;
  private Integer headDim;
  private Integer intermediate;
  private Integer vocab;
  private Integer context;
  private Position position;
  private Norm norm;
  private Double normEps;
  private Activation activation;
  private Boolean qkvBias;
  private Boolean outBias;
  private Boolean mlpBias;
  private Boolean normBias;
  private Boolean tieEmbeddings;
  private Double ropeTheta;
  private RopeScaling ropeScaling;
  private MoeSpec moe;
  private Double dropout;
  private Double initStd;

  ModelSpecBuilder(Family family) {
    this.family = family;
  }

  ModelSpecBuilder(ModelSpec m) {
    this(m.family());
    layers = m.layers();
    hidden = m.hidden();
    heads = m.heads();
    kvHeads = m.kvHeads();
    headDim = m.headDim();
    intermediate = m.intermediate();
    vocab = m.vocab();
    context = m.context();
    position = m.position();
    norm = m.norm();
    normEps = m.normEps();
    activation = m.activation();
    qkvBias = m.qkvBias();
    outBias = m.outBias();
    mlpBias = m.mlpBias();
    normBias = m.normBias();
    tieEmbeddings = m.tieEmbeddings();
    ropeTheta = m.ropeTheta();
    ropeScaling = m.ropeScaling();
    moe = m.moe();
    dropout = m.dropout();
    initStd = m.initStd();
  }

  /** Layers, width C, heads H, vocabulary V and context: the sizes every model needs. */
  public ModelSpecBuilder size(int layers, int hidden, int heads, int vocab, int context) {
    this.layers = layers;
    this.hidden = hidden;
    this.heads = heads;
    this.vocab = vocab;
    this.context = context;
    return this;
  }

  public ModelSpecBuilder layers(Integer v) {
    layers = v;
    return this;
  }

  public ModelSpecBuilder hidden(Integer v) {
    hidden = v;
    return this;
  }

  public ModelSpecBuilder heads(Integer v) {
    heads = v;
    return this;
  }

  public ModelSpecBuilder kvHeads(Integer v) {
    kvHeads = v;
    return this;
  }

  public ModelSpecBuilder headDim(Integer v) {
    headDim = v;
    return this;
  }

  public ModelSpecBuilder intermediate(Integer v) {
    intermediate = v;
    return this;
  }

  public ModelSpecBuilder vocab(Integer v) {
    vocab = v;
    return this;
  }

  public ModelSpecBuilder context(Integer v) {
    context = v;
    return this;
  }

  public ModelSpecBuilder position(Position v) {
    position = v;
    return this;
  }

  public ModelSpecBuilder norm(Norm v) {
    norm = v;
    return this;
  }

  public ModelSpecBuilder normEps(Double v) {
    normEps = v;
    return this;
  }

  public ModelSpecBuilder activation(Activation v) {
    activation = v;
    return this;
  }

  public ModelSpecBuilder qkvBias(Boolean v) {
    qkvBias = v;
    return this;
  }

  public ModelSpecBuilder outBias(Boolean v) {
    outBias = v;
    return this;
  }

  public ModelSpecBuilder mlpBias(Boolean v) {
    mlpBias = v;
    return this;
  }

  public ModelSpecBuilder normBias(Boolean v) {
    normBias = v;
    return this;
  }

  public ModelSpecBuilder tieEmbeddings(Boolean v) {
    tieEmbeddings = v;
    return this;
  }

  public ModelSpecBuilder ropeTheta(Double v) {
    ropeTheta = v;
    return this;
  }

  /** Null: no scaling. */
  public ModelSpecBuilder ropeScaling(RopeScaling v) {
    ropeScaling = v;
    return this;
  }

  /** Null: a dense feed-forward. */
  public ModelSpecBuilder moe(MoeSpec v) {
    moe = v;
    return this;
  }

  public ModelSpecBuilder dropout(Double v) {
    dropout = v;
    return this;
  }

  public ModelSpecBuilder initStd(Double v) {
    initStd = v;
    return this;
  }

  /** The spec, with the family's defaults where nothing was set (not validated). */
  public ModelSpec build() {
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
        ropeScaling,
        moe,
        dropout,
        initStd);
  }
}
