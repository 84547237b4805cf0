package dev.anneal.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.anneal.preset.Preset;
import dev.anneal.preset.PresetRegistry;
import dev.anneal.task.Cancellation;
import dev.anneal.task.Progress;
import dev.anneal.task.ProgressListener;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeepSpeedExportTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final PresetRegistry PRESETS = new PresetRegistry(List.of());

  @TempDir Path tmp;

  static Path samples(Path dir) throws IOException {
    Files.createDirectories(dir);
    Files.writeString(
        dir.resolve("samples.jsonl"),
        "{\"text\":\"pub fn a() {}\",\"kind\":\"function\",\"path\":\"src/a.rs\"}\n"
            + "{\"text\":\"pub struct B;\",\"kind\":\"struct\",\"path\":\"src/b.rs\"}\n");
    return dir;
  }

  static Path shards(Path dir, String dtype, long vocab) throws IOException {
    Files.createDirectories(dir);
    Files.write(dir.resolve("train.bin"), new byte[4096]);
    Files.write(dir.resolve("val.bin"), new byte[512]);
    Files.writeString(
        dir.resolve("meta.json"),
        "{\"dtype\":\"" + dtype + "\",\"seq_len\":4096,\"vocab_size\":" + vocab + "}");
    return dir;
  }

  DeepSpeedExport.Result export(
      String preset, Path data, Integer gpus, Integer nodes, List<String> hosts)
      throws IOException {
    return DeepSpeedExport.export(
        new DeepSpeedExport.Request(
            PRESETS.resolve(preset),
            data,
            tmp.resolve("bundle-" + preset),
            gpus,
            nodes,
            null,
            hosts),
        ProgressListener.NONE,
        Cancellation.none());
  }

  static JsonNode json(Path file) throws IOException {
    return JSON.readTree(Files.readString(file));
  }

  @Test
  void seed000StandardIsZero2WithTheSeedsBatchAndLora() throws Exception {
    var r = export("kat-dev-72b-lora", samples(tmp.resolve("data")), null, null, null);
    JsonNode ds = json(r.dir().resolve("ds_config.json"));
    assertThat(ds.get("train_micro_batch_size_per_gpu").asInt()).isEqualTo(2);
    assertThat(ds.get("gradient_accumulation_steps").asInt()).isEqualTo(8);
    assertThat(ds.get("train_batch_size").asInt()).isEqualTo(2 * 8 * 4);
    assertThat(ds.get("gradient_clipping").asDouble()).isEqualTo(1.0);
    assertThat(ds.at("/bf16/enabled").asBoolean()).isTrue();
    assertThat(ds.at("/fp16/enabled").asBoolean()).isFalse();
    JsonNode z = ds.get("zero_optimization");
    assertThat(z.get("stage").asInt()).isEqualTo(2);
    assertThat(z.get("reduce_bucket_size").asLong()).isEqualTo(500_000_000L);
    assertThat(z.get("allgather_bucket_size").asLong()).isEqualTo(500_000_000L);
    assertThat(z.get("overlap_comm").asBoolean()).isTrue();
    assertThat(z.get("contiguous_gradients").asBoolean()).isTrue();
    assertThat(z.has("offload_optimizer")).isFalse();
    assertThat(ds.has("optimizer")).isFalse();
    assertThat(ds.has("activation_checkpointing")).isFalse();
    assertThat(ds.toString()).doesNotContain("\"auto\"");

    JsonNode t = json(r.dir().resolve("train_config.json"));
    assertThat(t.get("mode").asText()).isEqualTo("lora");
    assertThat(t.at("/model/base_model").asText()).isEqualTo("Kwaipilot/KAT-Dev-72B-Exp");
    assertThat(t.at("/lora/rank").asInt()).isEqualTo(64);
    assertThat(t.at("/lora/alpha").asDouble()).isEqualTo(128.0);
    assertThat(t.at("/lora/dropout").asDouble()).isEqualTo(0.05);
    assertThat(t.at("/lora/target_modules"))
        .extracting(JsonNode::asText)
        .containsExactly(
            "q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj");
    assertThat(t.at("/training/steps").asInt()).isEqualTo(1410);
    assertThat(t.at("/training/warmup_steps").asInt()).isEqualTo(42); // 0.03 × 1410
    assertThat(t.at("/training/lr").asDouble()).isEqualTo(5e-5);
    assertThat(t.at("/training/weight_decay").asDouble()).isEqualTo(0.1);
    assertThat(t.at("/training/checkpoint_every").asInt()).isEqualTo(50);
    assertThat(t.at("/training/eval_every").asInt()).isEqualTo(50);
    assertThat(t.at("/training/gradient_checkpointing").asBoolean()).isTrue();
    assertThat(t.at("/training/flash_attention").asBoolean()).isTrue();
    assertThat(t.at("/training/packing").asBoolean()).isFalse();
    assertThat(t.at("/data/format").asText()).isEqualTo("samples");
    assertThat(r.files())
        .contains(
            "train.py",
            "launch.sh",
            "requirements.txt",
            "README.md",
            "preset.yaml",
            "data/samples.jsonl")
        .doesNotContain("hostfile", "model/config.json");
  }

  @Test
  void seed000ResourceSaverIsZero3WithPinnedOffloadAndSmallLiveParameters() throws Exception {
    var r =
        export("kat-dev-72b-lora-resourcesaver", samples(tmp.resolve("data")), null, null, null);
    JsonNode ds = json(r.dir().resolve("ds_config.json"));
    assertThat(ds.get("train_micro_batch_size_per_gpu").asInt()).isEqualTo(1);
    assertThat(ds.get("gradient_accumulation_steps").asInt()).isEqualTo(16);
    assertThat(ds.get("train_batch_size").asInt()).isEqualTo(64); // the same effective batch
    JsonNode z = ds.get("zero_optimization");
    assertThat(z.get("stage").asInt()).isEqualTo(3);
    assertThat(z.at("/offload_optimizer/device").asText()).isEqualTo("cpu");
    assertThat(z.at("/offload_optimizer/pin_memory").asBoolean()).isTrue();
    assertThat(z.has("offload_param")).isFalse();
    assertThat(z.get("stage3_max_live_parameters").asLong()).isEqualTo(300_000_000L);
    assertThat(z.get("stage3_max_reuse_distance").asLong()).isEqualTo(300_000_000L);
    assertThat(z.get("reduce_bucket_size").asLong()).isEqualTo(8192L * 8192);
    assertThat(z.get("stage3_prefetch_bucket_size").asLong())
        .isEqualTo(Math.round(0.9 * 8192 * 8192));
    assertThat(z.get("stage3_param_persistence_threshold").asLong()).isEqualTo(81_920);
    assertThat(z.get("stage3_gather_16bit_weights_on_model_save").asBoolean()).isTrue();
    assertThat(ds.at("/activation_checkpointing/cpu_checkpointing").asBoolean()).isTrue();
    assertThat(ds.at("/optimizer/type").asText()).isEqualTo("AdamW");
    assertThat(ds.at("/optimizer/params/lr").asDouble()).isEqualTo(5e-5);
    assertThat(ds.at("/optimizer/params/weight_decay").asDouble()).isEqualTo(0.1);
    assertThat(ds.at("/optimizer/params/betas/0").asDouble()).isEqualTo(0.9);
    assertThat(ds.at("/optimizer/params/betas/1").asDouble()).isEqualTo(0.95);
    JsonNode t = json(r.dir().resolve("train_config.json"));
    assertThat(t.at("/training/cpu_checkpointing").asBoolean()).isTrue();
    assertThat(t.at("/training/micro_batch").asInt()).isEqualTo(1);
    assertThat(t.at("/training/accumulation").asInt()).isEqualTo(16);
    assertThat(Files.readString(r.dir().resolve("README.md")))
        .contains(
            "ZeRO-3, optimizer offloaded to pinned CPU memory, activation checkpoints in CPU");
  }

  @Test
  void mixtralAdaptsAttentionOnlyWithExpertsAndRouterFrozenAndTheRouterLoss() throws Exception {
    var r = export("mixtral-8x7b-attn-lora", samples(tmp.resolve("data")), null, null, null);
    JsonNode ds = json(r.dir().resolve("ds_config.json"));
    assertThat(ds.at("/zero_optimization/stage").asInt()).isEqualTo(2);
    assertThat(ds.get("train_micro_batch_size_per_gpu").asInt()).isEqualTo(1);
    assertThat(ds.get("gradient_accumulation_steps").asInt()).isEqualTo(16);
    assertThat(ds.get("train_batch_size").asInt()).isEqualTo(64);
    JsonNode t = json(r.dir().resolve("train_config.json"));
    assertThat(t.at("/model/base_model").asText()).isEqualTo("mistralai/Mixtral-8x7B-v0.1");
    assertThat(t.at("/lora/target_modules"))
        .extracting(JsonNode::asText)
        .containsExactly("q_proj", "k_proj", "v_proj", "o_proj");
    assertThat(t.at("/lora/exclude_modules"))
        .extracting(JsonNode::asText)
        .containsExactly("block_sparse_moe", "w1", "w2", "w3", "gate");
    assertThat(t.at("/lora/freeze_router").asBoolean()).isTrue();
    assertThat(t.at("/moe/aux_loss_weight").asDouble()).isEqualTo(0.001);
    assertThat(t.at("/training/lr").asDouble()).isEqualTo(2e-4);
    assertThat(t.at("/training/checkpoint_every").asInt()).isEqualTo(100);
  }

  @Test
  void aFromScratchPresetCarriesItsConfigAndShardsAndAMultiNodeLauncher() throws Exception {
    Path data = shards(tmp.resolve("data"), "uint16", 32000);
    var r = export("demiurgic-7b", data, 8, 2, List.of("gpu-a"));
    JsonNode config = json(r.dir().resolve("model/config.json"));
    assertThat(config.get("model_type").asText()).isEqualTo("llama");
    assertThat(config.get("hidden_size").asInt()).isEqualTo(4096);
    assertThat(config.get("num_hidden_layers").asInt()).isEqualTo(32);
    assertThat(config.get("num_attention_heads").asInt()).isEqualTo(32);
    assertThat(config.get("num_key_value_heads").asInt()).isEqualTo(32);
    assertThat(config.get("intermediate_size").asInt()).isEqualTo(11008);
    assertThat(config.get("vocab_size").asInt()).isEqualTo(32000);
    // Seed 003's second phase extends the context to 8,192: the model's table is that long.
    assertThat(config.get("max_position_embeddings").asInt()).isEqualTo(8192);
    assertThat(config.get("tie_word_embeddings").asBoolean()).isFalse();

    JsonNode ds = json(r.dir().resolve("ds_config.json"));
    assertThat(ds.get("train_batch_size").asInt()).isEqualTo(4 * 8 * 8 * 2);
    JsonNode t = json(r.dir().resolve("train_config.json"));
    assertThat(t.get("mode").asText()).isEqualTo("full");
    assertThat(t.at("/data/format").asText()).isEqualTo("tokens");
    assertThat(t.at("/training/warmup_steps").asInt()).isEqualTo(2000);
    assertThat(t.at("/training/min_lr").asDouble()).isEqualTo(3e-5);
    assertThat(t.at("/training/keep_last").asInt()).isEqualTo(5);
    assertThat(t.get("price_per_device_hour").asDouble()).isEqualTo(4.0);
    // 6 FLOPs per matmul parameter and token when every weight learns.
    assertThat(t.get("flops_per_token").asDouble())
        .isEqualTo(
            6.0
                * dev.anneal.preset.estimate.ParameterCount.of(
                        PRESETS.resolve("demiurgic-7b").model(), null)
                    .matmul());

    String launch = Files.readString(r.dir().resolve("launch.sh"));
    assertThat(launch)
        .contains(
            "GPUS=\"${GPUS:-8}\"",
            "NODES=\"${NODES:-2}\"",
            "deepspeed --hostfile hostfile --num_nodes \"$NODES\" --num_gpus \"$GPUS\"",
            "MASTER_ADDR:-gpu-a",
            "torchrun --nnodes \"$NODES\" --nproc_per_node \"$GPUS\"");
    assertThat(Files.isExecutable(r.dir().resolve("launch.sh"))).isTrue();
    assertThat(Files.readAllLines(r.dir().resolve("hostfile")))
        .filteredOn(l -> !l.startsWith("#"))
        .containsExactly("gpu-a slots=8", "node2 slots=8");
    assertThat(Files.mismatch(data.resolve("train.bin"), r.dir().resolve("data/train.bin")))
        .isEqualTo(-1);
  }

  @Test
  void oneNodeHasNoHostfileAndTheLauncherNamesItsGpus() throws Exception {
    var r = export("kat-dev-72b-lora", samples(tmp.resolve("data")), 2, 1, null);
    assertThat(r.dir().resolve("hostfile")).doesNotExist();
    String launch = Files.readString(r.dir().resolve("launch.sh"));
    assertThat(launch)
        .contains("GPUS=\"${GPUS:-2}\"", "NODES=\"${NODES:-1}\"")
        .doesNotContain("--hostfile");
    assertThat(json(r.dir().resolve("ds_config.json")).get("train_batch_size").asInt())
        .isEqualTo(2 * 8 * 2);
  }

  @Test
  void theTrainingScriptCompiles() throws Exception {
    var r = export("demiurgic-7b", shards(tmp.resolve("data"), "uint32", 32000), null, null, null);
    Process p;
    try {
      p =
          new ProcessBuilder("python3", "-m", "py_compile", r.dir().resolve("train.py").toString())
              .redirectErrorStream(true)
              .start();
    } catch (IOException noPython) {
      assumeThat(false).as("python3 is not installed").isTrue();
      return;
    }
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    String output = new String(p.getInputStream().readAllBytes());
    assertThat(p.exitValue()).as(output).isZero();
  }

  @Test
  void progressIsReportedWhileTheDataIsCarried() throws Exception {
    List<Progress> seen = new ArrayList<>();
    DeepSpeedExport.export(
        new DeepSpeedExport.Request(
            PRESETS.resolve("demiurgic-7b"),
            shards(tmp.resolve("data"), "uint16", 32000),
            tmp.resolve("b"),
            null,
            null,
            null,
            null),
        seen::add,
        Cancellation.none());
    assertThat(seen.getLast().stage()).isEqualTo("copy data");
    assertThat(seen.getLast().fraction()).isEqualTo(1.0);
    assertThat(seen.getLast().counts()).containsEntry("files", 3L);
  }

  @Test
  void badInputFailsWithTheFileNamedAndWritesNothing() throws Exception {
    Path out = tmp.resolve("bundle-demiurgic-7b");
    assertThatThrownBy(() -> export("demiurgic-7b", tmp.resolve("missing"), null, null, null))
        .hasMessageContaining("missing: no such dataset folder");
    Path bad = shards(tmp.resolve("bad"), "int8", 32000);
    assertThatThrownBy(() -> export("demiurgic-7b", bad, null, null, null))
        .hasMessage(bad.resolve("meta.json") + ": dtype must be uint16 or uint32, found 'int8'");
    Path big = shards(tmp.resolve("big"), "uint32", 50000);
    assertThatThrownBy(() -> export("demiurgic-7b", big, null, null, null))
        .hasMessageContaining("vocab_size 50000 exceeds the preset's model.vocab 32000");
    Path noText = Files.createDirectories(tmp.resolve("notext"));
    Files.writeString(noText.resolve("samples.jsonl"), "\n{\"code\":\"x\"}\n");
    assertThatThrownBy(() -> export("kat-dev-72b-lora", noText, null, null, null))
        .hasMessage(noText.resolve("samples.jsonl") + ":2: no \"text\" field");
    assertThatThrownBy(
            () -> export("moe-800m", shards(tmp.resolve("d"), "uint16", 100), null, null, null))
        .hasMessageContaining("shared experts");
    assertThatThrownBy(
            () -> export("demiurgic-7b", shards(tmp.resolve("d2"), "uint16", 100), 0, null, null))
        .hasMessageContaining("--gpus must be at least 1");
    assertThat(out).doesNotExist();
  }

  @Test
  void neverReplacesTheDatasetOrAFolderThatIsNotABundle() throws Exception {
    Path data = samples(tmp.resolve("data"));
    Preset p = PRESETS.resolve("kat-dev-72b-lora");
    assertThatThrownBy(
            () ->
                DeepSpeedExport.export(
                    new DeepSpeedExport.Request(p, data, tmp, null, null, null, null),
                    ProgressListener.NONE,
                    Cancellation.none()))
        .hasMessageContaining("would replace the dataset folder");
    Path other = Files.createDirectories(tmp.resolve("home"));
    Files.writeString(other.resolve("notes.txt"), "keep me");
    assertThatThrownBy(
            () ->
                DeepSpeedExport.export(
                    new DeepSpeedExport.Request(p, data, other, null, null, null, null),
                    ProgressListener.NONE,
                    Cancellation.none()))
        .hasMessageContaining("not a DeepSpeed bundle");
    assertThat(other.resolve("notes.txt")).hasContent("keep me");
    assertThat(data.resolve("samples.jsonl")).exists();
  }

  @Test
  void trainingFromScratchOnSamplesNeedsATokenizer() throws Exception {
    assertThatThrownBy(() -> export("demiurgic-7b", samples(tmp.resolve("s")), null, null, null))
        .hasMessageContaining("samples.jsonl without tokenizer.json");
    Files.writeString(tmp.resolve("s/tokenizer.json"), "{}");
    var r = export("demiurgic-7b", tmp.resolve("s"), null, null, null);
    assertThat(json(r.dir().resolve("train_config.json")).at("/data/tokenizer_file").asText())
        .isEqualTo("data/tokenizer.json");
  }

  @Test
  void requirementsArePinned() throws Exception {
    var r = export("kat-dev-72b-lora", samples(tmp.resolve("data")), null, null, null);
    List<String> pins =
        Files.readAllLines(r.dir().resolve("requirements.txt")).stream()
            .filter(l -> !l.isBlank() && !l.startsWith("#"))
            .toList();
    assertThat(pins).allMatch(l -> l.matches("[a-z0-9_-]+==[0-9][0-9a-z.+]*"), "name==version");
    assertThat(pins)
        .extracting(l -> l.substring(0, l.indexOf("==")))
        .contains(
            "torch", "transformers", "accelerate", "peft", "deepspeed", "numpy", "safetensors");
  }
}
