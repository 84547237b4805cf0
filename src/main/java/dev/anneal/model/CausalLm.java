package dev.anneal.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.GradientCollector;
import dev.anneal.engine.FusedAttention;
import dev.anneal.engine.LibtorchCast;
import dev.anneal.model.io.HostTensor;
import dev.anneal.preset.LoraSpec;
import dev.anneal.preset.ModelSpec;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * A decoder-only language model of any family Anneal knows (GPT-2, Llama, Qwen2, Mixtral, seed
 * 004's MoE), with optional LoRA adapters: the one object the trainer, the generator and the
 * comparison view share.
 *
 * <p>Tensors are plain NDArrays owned by the model's manager, keyed by their Hugging Face names in
 * Hugging Face layouts (PEFT module paths for the adapters), so checkpoints copy in and out without
 * renaming. We do not use DJL's Block/ParameterStore: it names parameters by block position,
 * initialises lazily from shapes, and would need a translation table to HF names anyway. The
 * trainable ones (the adapters under LoRA, else the base weights) require gradients.
 *
 * <p>A forward creates every intermediate in the manager of the ids it is given: use a per-step
 * sub-manager and close it after the step.
 */
public final class CausalLm implements AutoCloseable {
  private ModelSpec spec;
  private final LoraSpec lora;
  private final NDManager manager;
  private final Decoder decoder;
  private final Adapters adapters;
  private final ModelTensors tensors;
  private final DataType dtype;
  private boolean bf16Matmuls;
  private boolean fusedAttention = FusedAttention.available();
  private WeightCasts weightCasts;
  private boolean gradientsDefined;

  private CausalLm(
      ModelSpec spec,
      LoraSpec lora,
      NDManager manager,
      Decoder decoder,
      Map<String, Param> params,
      DataType dtype) {
    this.dtype = dtype;
    this.spec = spec;
    this.lora = lora;
    this.manager = manager;
    this.decoder = decoder;
    this.tensors = new ModelTensors(params, lora);
    this.adapters =
        new Adapters(decoder.projections(), tensors.kinds(Param.Kind.LORA), lora != null);
  }

  /**
   * Builds and initialises a model (a validated spec: presets check them).
   *
   * @param lora adapters to add (base frozen), or null to train the base
   * @param parent the model's tensors live in a sub-manager of this one, closed with the model
   * @param seed the same seed gives the same weights
   */
  public static CausalLm create(ModelSpec spec, LoraSpec lora, NDManager parent, long seed) {
    return create(spec, lora, parent, seed, DataType.FLOAT32);
  }

  /**
   * As {@link #create(ModelSpec, LoraSpec, NDManager, long)} in another precision (float64 for
   * gradient checks).
   */
  static CausalLm create(
      ModelSpec spec, LoraSpec lora, NDManager parent, long seed, DataType dtype) {
    NDManager manager = parent.newSubManager();
    try {
      Weights w = new Weights(spec, lora, manager, seed, dtype);
      return new CausalLm(spec, lora, manager, Decoder.of(w), w.params, dtype);
    } catch (RuntimeException e) {
      manager.close();
      throw e;
    }
  }

  /**
   * A second model over this one's tensors, for a second thread's passes of the same step: each of
   * its tensors is this model's storage (a step or a checkpoint load here is seen there), but a
   * leaf of its own, so a backward through the replica leaves its gradients on the replica and the
   * two threads never add into one gradient. Same spec, precision, attention and adapter state as
   * this model now ({@link Adapters#follow} keeps the adapter state in step). MoE routers'
   * balancing biases are shared tensors too, moved in place after each step. Lives in this model's
   * manager (closed with it at the latest).
   */
  public CausalLm replica() {
    NDManager m = manager.newSubManager();
    try {
      Weights w = Weights.sharing(tensors.select(Param.Kind.values()), spec, lora, m, dtype);
      CausalLm replica = new CausalLm(spec, lora, m, Decoder.of(w), w.params, dtype);
      replica.bf16Matmuls = bf16Matmuls;
      replica.fusedAttention = fusedAttention;
      replica.adapters.follow(adapters);
      return replica;
    } catch (RuntimeException e) {
      m.close();
      throw e;
    }
  }

  /** The LoRA adapters: their tensors in and out, and their state (on, off, merged). */
  public Adapters adapters() {
    return adapters;
  }

  /**
   * Runs every matrix product (projections, attention, the head) in bfloat16 with float32 weights,
   * activations elsewhere and gradients, as autocast does; false returns to float32. Applies to
   * full forwards (training, evaluation); decoding with a cache stays float32. Only where {@link
   * LibtorchCast#available()}; {@code dev.anneal.engine.MixedPrecision} decides whether a device
   * should.
   */
  public void useBf16Matmuls(boolean on) {
    if (on && !LibtorchCast.available()) {
      throw new IllegalStateException("bf16 matmuls need libtorch's to_dtype (Linux x86-64)");
    }
    if (on && dtype != DataType.FLOAT32)
      throw new IllegalStateException("bf16 matmuls need float32 weights");
    bf16Matmuls = on;
  }

  /**
   * Full forwards attend through libtorch's fused kernel ({@link FusedAttention}) where it can be
   * called, the default; false composes attention from matmuls (tests compare the two).
   */
  public void useFusedAttention(boolean on) {
    fusedAttention = on && FusedAttention.available();
  }

  /**
   * Switches the rotary embedding to another scaling (a training phase that extends the context, as
   * seed 004's YaRN phase does): the cos/sin tables are derived anew, exactly as a model built with
   * that scaling derives them, and {@link #spec()} reports it. Weights are untouched.
   */
  public void useRopeScaling(dev.anneal.preset.RopeScaling scaling) {
    if (java.util.Objects.equals(scaling, spec.ropeScaling())) return;
    ModelSpec next = spec.withRopeScaling(scaling);
    decoder.useRope(next);
    spec = next;
  }

  public boolean usesBf16Matmuls() {
    return bf16Matmuls;
  }

  public ModelSpec spec() {
    return spec;
  }

  /** The adapters' spec, or null for a model without LoRA. */
  public LoraSpec lora() {
    return lora;
  }

  /**
   * A full forward over packed sequences.
   *
   * @param ids (B, T) int64 token ids, T ≤ context; its manager receives every intermediate
   * @param docIds (B, T) int64 document id per token (a token attends only to earlier tokens of its
   *     own document), or null when each row is one document
   * @param training dropout on, and the switch auxiliary loss computed
   */
  public ForwardResult forward(NDArray ids, NDArray docIds, boolean training) {
    return run(ids, fullPass(ids, docIds, training));
  }

  /**
   * A training forward to the next-token loss. The head and the loss run in chunks of rows with
   * their gradient made on the way ({@link HeadLoss}), so the (B, T, V) logits never exist whole;
   * differentiating the loss gives the gradients of {@code LmLoss.crossEntropy(forward(ids, docIds,
   * true).logits(), targets, mask)}.
   *
   * @param ids (B, T) int64 token ids; its manager receives every intermediate
   * @param docIds (B, T) int64 document ids, or null (as {@link #forward(NDArray, NDArray,
   *     boolean)})
   * @param targets (B, T) int64 next-token ids
   * @param mask (B, T) weight of each position (nonzero where it counts), or null to count all
   * @return the loss in place of the logits, with the switch loss and the routing
   */
  public TrainingLoss trainingLoss(NDArray ids, NDArray docIds, NDArray targets, NDArray mask) {
    ForwardPass pass = fullPass(ids, docIds, true);
    NDArray loss = HeadLoss.loss(decoder, decoder.lastHidden(ids, pass), targets, mask, pass);
    return new TrainingLoss(loss, pass.auxLoss(), List.copyOf(pass.routing));
  }

  /**
   * Each position's loss −log p(target) for evaluation: a full forward without dropout, the head in
   * chunks of rows ({@link HeadLoss}), so no (B, T, V) logits are held; equal to {@code
   * LmLoss.tokenLosses(forward(ids, docIds, false).logits(), targets)}.
   *
   * @param ids (B, T) int64 token ids; its manager receives every intermediate
   * @param docIds (B, T) int64 document ids, or null
   * @param targets (B, T) int64 next-token ids
   * @return (B, T) float32
   */
  public NDArray tokenLosses(NDArray ids, NDArray docIds, NDArray targets) {
    ForwardPass pass = fullPass(ids, docIds, false);
    return HeadLoss.tokenLosses(decoder, decoder.lastHidden(ids, pass), targets, pass);
  }

  /**
   * A training forward and backward with activation checkpointing: the blocks run once without
   * keeping their activations and again, one at a time, for the backward ({@link Checkpointing}).
   * The gradients it leaves on the trainable parameters (added to what is there, as a backward
   * does) equal those of {@code backward(objective(trainingLoss(ids, docIds, targets, mask).loss())
   * + auxWeight · auxLoss)}; dropout draws the same masks in both runs of a block.
   *
   * @param ids (B, T) int64 token ids; its manager receives what outlives a block
   * @param docIds (B, T) int64 document ids, or null (as {@link #forward(NDArray, NDArray,
   *     boolean)})
   * @param targets (B, T) int64 next-token ids
   * @param mask (B, T) weight of each position, or null to count all
   * @param gc the open gradient collector (recording on)
   * @param objective the loss (a scalar) → the scalar to differentiate; arrays it keeps must be
   *     attached elsewhere, the rest is closed after the head's backward
   * @param auxWeight scalar weighting the MoE switch loss as the objective weights the loss
   * @return per MoE layer, what its router did (once, from the first run)
   */
  public List<LayerRouting> backwardCheckpointed(
      NDArray ids,
      NDArray docIds,
      NDArray targets,
      NDArray mask,
      GradientCollector gc,
      UnaryOperator<NDArray> objective,
      NDArray auxWeight) {
    ForwardPass pass = fullPass(ids, docIds, true);
    boolean dropout = spec.dropout() > 0 || (lora != null && lora.dropout() > 0);
    return Checkpointing.run(
        decoder,
        pass,
        ids,
        gc,
        x -> objective.apply(HeadLoss.loss(decoder, x, targets, mask, pass)),
        auxWeight,
        dropout,
        lora == null);
  }

  /**
   * Opens one optimizer step's bf16 weight copies ({@link WeightCasts}): until it is closed, the
   * training forwards multiply by copies made once, and their backwards leave the gradients on
   * them; call {@link WeightCasts#flushGradients} after each micro batch's backward. Null when the
   * matrix products are float32.
   *
   * @param step the step's manager; the copies live in it until closed
   */
  public WeightCasts castWeightsOncePerStep(NDManager step) {
    if (!bf16Matmuls) return null;
    if (weightCasts != null) throw new IllegalStateException("a step's weight casts are open");
    weightCasts =
        new WeightCasts(
            tensors.arrays(),
            decoder.projectionWeights(),
            step,
            !gradientsDefined,
            () -> weightCasts = null);
    gradientsDefined = true;
    return weightCasts;
  }

  private ForwardPass fullPass(NDArray ids, NDArray docIds, boolean training) {
    int t = checkIds(ids);
    NDManager m = ids.getManager();
    ForwardPass pass =
        new ForwardPass(m, training, 0, ForwardPass.mask(m, docIds, 0, t), null, bf16Matmuls);
    if (training) pass.weightCasts = weightCasts;
    pass.fusedAttention = fusedAttention;
    pass.causalOnly = docIds == null;
    return pass;
  }

  /**
   * A forward for generation: attends over the cached tokens plus these, appends these to the
   * cache. Prefill with the prompt (B, T), then call with one token (B, 1) at a time.
   *
   * @return logits for the new tokens (B, T, V)
   */
  public ForwardResult forward(NDArray ids, KvCache cache) {
    int t = checkIds(ids);
    cache.checkRoom(ids.getShape().get(0), t);
    NDManager m = ids.getManager();
    int offset = cache.length();
    ForwardPass pass =
        new ForwardPass(m, false, offset, ForwardPass.mask(m, null, offset, t), cache, false);
    ForwardResult result = run(ids, pass);
    cache.advance(t);
    return result;
  }

  private ForwardResult run(NDArray ids, ForwardPass pass) {
    NDArray logits = decoder.logits(ids, pass);
    return new ForwardResult(logits, pass.auxLoss(), List.copyOf(pass.routing));
  }

  private static int checkIds(NDArray ids) {
    if (ids.getShape().dimension() != 2) {
      throw new IllegalArgumentException("token ids must be (B, T), got " + ids.getShape());
    }
    return Math.toIntExact(ids.getShape().get(1));
  }

  /** An empty cache for up to maxLen tokens per row (maxLen ≤ context). */
  public KvCache newCache(int batch, int maxLen) {
    if (maxLen > spec.context()) {
      throw new IllegalArgumentException(
          "cache of " + maxLen + " tokens exceeds the context " + spec.context());
    }
    return new KvCache(
        manager, spec.layers(), batch, spec.kvHeads(), spec.headDim(), maxLen, dtype);
  }

  /**
   * The base weights and buffers under HF names, in model order: what {@code model.safetensors}
   * holds.
   */
  public LinkedHashMap<String, NDArray> baseParameters() {
    return tensors.select(Param.Kind.BASE, Param.Kind.BUFFER);
  }

  /**
   * The adapter matrices under PEFT module paths ({@code M.lora_A.weight}, {@code
   * M.lora_B.weight}).
   */
  public LinkedHashMap<String, NDArray> loraParameters() {
    return tensors.select(Param.Kind.LORA);
  }

  /**
   * What an optimizer updates: the adapters under LoRA, else every base weight (less a frozen
   * router).
   */
  public LinkedHashMap<String, NDArray> trainableParameters() {
    return tensors.trainable();
  }

  /** Every tensor with its kind. */
  public List<Param> params() {
    return tensors.all();
  }

  /**
   * Keeps the MoE routers out of (or back in) training; they are always frozen under LoRA's base.
   */
  public void setRouterFrozen(boolean frozen) {
    tensors.setRouterFrozen(frozen);
    gradientsDefined = false; // a newly trainable weight may have none yet
  }

  /**
   * The base weights and buffers as fp32 host tensors under HF names (merged adapters included).
   */
  public List<HostTensor> exportWeights() {
    return TensorTransfer.export(tensors.kinds(Param.Kind.BASE, Param.Kind.BUFFER));
  }

  /**
   * Replaces the base weights and buffers. Nothing changes if a tensor is missing or mis-shaped.
   *
   * @param source the tensor stored under an HF name, or null
   * @throws IllegalArgumentException naming the first missing or mis-shaped tensor
   */
  public void loadWeights(Function<String, HostTensor> source) {
    TensorTransfer.load(
        tensors.kinds(Param.Kind.BASE, Param.Kind.BUFFER), source, Function.identity());
  }

  /**
   * The aux-loss-free balancing step: call after each optimizer step with the routing the training
   * forward reported. Kept out of the forward so a forward can be repeated (NaN skips, gradient
   * checks) without moving the routing.
   */
  public void updateRoutingBias(List<LayerRouting> routing) {
    // Every block of an MoE model has experts, so the list is indexed by layer.
    List<MoeFeedForward> layers = decoder.moeLayers();
    for (LayerRouting r : routing) layers.get(r.layer()).router.updateBias(r.load());
  }

  @Override
  public void close() {
    manager.close();
  }
}
