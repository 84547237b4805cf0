package dev.anneal.cli;

import dev.anneal.data.BuildOptions;
import dev.anneal.data.DatasetBuilder;
import dev.anneal.data.DatasetPreparer;
import dev.anneal.data.DatasetStats;
import dev.anneal.data.PrepareOptions;
import dev.anneal.data.ScanOptions;
import dev.anneal.data.sample.Language;
import dev.anneal.data.sample.SampleKind;
import dev.anneal.data.secrets.SecretPolicy;
import dev.anneal.io.JsonObject;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code anneal dataset build|prepare}. */
@Command(
    name = "dataset",
    description = "Build a training set from source folders, then tokenize and pack it.",
    subcommands = {DatasetCommand.Build.class, DatasetCommand.Prepare.class})
final class DatasetCommand {

  @Command(name = "build", description = "Scan source folders into samples.jsonl and stats.json.")
  static final class Build implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(
        paramLabel = "SRC",
        arity = "1..*",
        description = "Source folders or git checkouts.")
    List<Path> sources;

    @Option(
        names = "--out",
        required = true,
        paramLabel = "DIR",
        description = "The dataset folder to write.")
    Path out;

    @Option(
        names = "--languages",
        split = ",",
        paramLabel = "LANG",
        description =
            "Languages to keep (rust,python,java,go,typescript,javascript,c,cpp,shell,markdown,text,jsonl); default all.")
    List<String> languages = List.of();

    @Option(
        names = "--kinds",
        split = ",",
        paramLabel = "KIND",
        description =
            "Sample kinds to keep (file,function,struct,enum,trait,impl,module,text,chat); default all.")
    List<String> kinds = List.of();

    @Option(
        names = "--include",
        split = ",",
        paramLabel = "GLOB",
        description = "Keep only files matching one of these globs.")
    List<String> include = List.of();

    @Option(
        names = "--exclude",
        split = ",",
        paramLabel = "GLOB",
        description = "Leave out files matching these globs.")
    List<String> exclude = List.of();

    @Option(
        names = "--max-tokens",
        paramLabel = "N",
        description =
            "Cut file samples over N tokens at item boundaries (default ${DEFAULT-VALUE}).")
    int maxTokens = 2048;

    @Option(
        names = "--near-dup",
        paramLabel = "T",
        description =
            "Jaccard threshold for near-duplicates; above 1 turns it off (default ${DEFAULT-VALUE}).")
    double nearDup = 0.85;

    @Option(
        names = "--max-file-kb",
        paramLabel = "KB",
        description = "Skip files larger than this (default ${DEFAULT-VALUE}).")
    long maxFileKb = 1000;

    @Option(names = "--no-gitignore", description = "Do not apply .gitignore files.")
    boolean noGitignore;

    @Option(
        names = "--secrets",
        paramLabel = "mask|drop|keep",
        description =
            "Secrets found (API keys, tokens, private keys, passwords): mask them, drop their files, or keep them (default ${DEFAULT-VALUE}).")
    String secrets = "mask";

    @Option(names = "--json", description = "Print stats.json instead of the table.")
    boolean json;

    @Option(names = "--quiet", description = "No progress on stderr.")
    boolean quiet;

    @Override
    public Integer call() throws Exception {
      SecretPolicy secretPolicy = SecretPolicy.parse(secrets);
      Set<Language> langs = languages.stream().map(Language::parse).collect(Collectors.toSet());
      ScanOptions scan = new ScanOptions(langs, include, exclude, maxFileKb * 1000, !noGitignore);
      Set<SampleKind> kindSet = kinds.stream().map(Build::kind).collect(Collectors.toSet());
      BuildOptions opts =
          BuildOptions.defaults()
              .withScan(scan)
              .withMaxTokens(maxTokens)
              .withNearDup(nearDup)
              .withKinds(kindSet)
              .withSecrets(secretPolicy);
      PrintWriter o = spec.commandLine().getOut();
      try (CliProgress progress = new CliProgress(spec.commandLine().getErr(), quiet)) {
        long t0 = System.nanoTime();
        DatasetStats stats =
            new DatasetBuilder(opts, progress, progress.cancellation()).build(sources, out);
        double secs = (System.nanoTime() - t0) / 1e9;
        if (json) {
          o.println(Json.write(stats.toJson()));
        } else {
          o.print(table(stats, out, secs));
        }
      }
      return 0;
    }

    private static SampleKind kind(String id) {
      try {
        return SampleKind.parse(id.strip());
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "--kinds: unknown kind '"
                + id
                + "' (known: file, function, struct, enum, trait, impl, module, text, chat)");
      }
    }

    static String table(DatasetStats s, Path out, double secs) {
      StringBuilder sb = new StringBuilder();
      sb.append(
          String.format(
              Locale.ROOT,
              "Dataset %s: %s samples, ~%s tokens, from %s files (%.1f MB) in %.1f s%n",
              out,
              Format.count(s.samples()),
              Format.count(s.estimatedTokens()),
              Format.count(s.filesScanned()),
              s.bytesScanned() / 1e6,
              secs));
      sb.append(String.format("%-12s %10s%n", "KIND", "SAMPLES"));
      s.samplesByKind().forEach((k, v) -> sb.append(String.format("%-12s %10d%n", k, v)));
      sb.append(String.format("%-12s %10s%n", "LANGUAGE", "SAMPLES"));
      s.samplesByLanguage().forEach((k, v) -> sb.append(String.format("%-12s %10d%n", k, v)));
      sb.append(
          String.format(
              "duplicates removed: %d exact, %d near%n", s.exactDuplicates(), s.nearDuplicates()));
      if (!s.filtered().isEmpty())
        sb.append("samples filtered: ").append(s.filtered()).append('\n');
      if (!s.filesSkipped().isEmpty())
        sb.append("files skipped: ").append(s.filesSkipped()).append('\n');
      if (!s.foldersSkipped().isEmpty())
        sb.append("folders skipped: ").append(s.foldersSkipped()).append('\n');
      for (var p : s.problems())
        sb.append("  ").append(p.reason().id()).append(": ").append(p.path()).append('\n');
      if (!s.secrets().isEmpty()) {
        String done =
            switch (s.secretPolicy()) {
              case MASK -> "masked";
              case DROP -> "files dropped";
              case KEEP -> "KEPT in the dataset";
            };
        sb.append(
            String.format(
                "secrets found: %d in %d files, %s %s%n",
                s.secrets().size(), s.secretFiles(), done, s.secretsByKind()));
        for (var f : s.secrets().subList(0, Math.min(20, s.secrets().size()))) {
          sb.append("  ").append(f.kind()).append(": ").append(f.path());
          if (f.line() > 0) sb.append(':').append(f.line());
          sb.append('\n');
        }
        if (s.secrets().size() > 20) sb.append("  ... all in stats.json\n");
      }
      return sb.toString();
    }
  }

  @Command(
      name = "prepare",
      description =
          "Tokenize samples.jsonl, apply FIM, pack into train.bin/val.bin with meta.json.")
  static final class Prepare implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "DIR", description = "A dataset folder made by `dataset build`.")
    Path dir;

    @Option(
        names = "--tokenizer",
        paramLabel = "FILE",
        description = "A tokenizer.json (default DIR/tokenizer.json), or a hub id when online.")
    String tokenizer;

    @Option(
        names = "--seq-len",
        required = true,
        paramLabel = "N",
        description = "Tokens per packed sequence.")
    int seqLen;

    @Option(
        names = "--fim-rate",
        paramLabel = "R",
        description = "Share of documents in fill-in-the-middle form (default ${DEFAULT-VALUE}).")
    double fimRate = PrepareOptions.DEFAULT_FIM_RATE;

    @Option(
        names = "--fim-spm-rate",
        paramLabel = "R",
        description = "Of FIM documents, the share in SPM order (default ${DEFAULT-VALUE}).")
    double fimSpmRate = PrepareOptions.DEFAULT_FIM_SPM_RATE;

    @Option(
        names = "--val-fraction",
        paramLabel = "F",
        description = "Share of source paths held out (default ${DEFAULT-VALUE}).")
    double valFraction = PrepareOptions.DEFAULT_VAL_FRACTION;

    @Option(
        names = "--seed",
        paramLabel = "N",
        description = "Seed of the FIM cuts (default ${DEFAULT-VALUE}).")
    long seed = PrepareOptions.DEFAULT_SEED;

    @Option(
        names = "--threads",
        paramLabel = "N",
        description = "Tokenizer threads (default: all cores).")
    int threads = Runtime.getRuntime().availableProcessors();

    @Option(names = "--json", description = "Print the summary as JSON.")
    boolean json;

    @Option(names = "--quiet", description = "No progress on stderr.")
    boolean quiet;

    @Override
    public Integer call() throws Exception {
      String tok = tokenizer != null ? tokenizer : dir.resolve("tokenizer.json").toString();
      PrepareOptions opts = new PrepareOptions(tok, seqLen, fimRate, fimSpmRate, valFraction, seed);
      PrintWriter o = spec.commandLine().getOut();
      try (CliProgress progress = new CliProgress(spec.commandLine().getErr(), quiet)) {
        var s = new DatasetPreparer(progress, progress.cancellation(), threads).prepare(dir, opts);
        if (json) {
          Map<String, Object> m = new LinkedHashMap<>();
          m.put("dir", s.dir().toString());
          m.put("vocab_size", s.vocabSize());
          m.put("dtype", s.dtype());
          m.put("seq_len", s.seqLen());
          m.put("train_tokens", s.trainTokens());
          m.put("val_tokens", s.valTokens());
          m.put("train_documents", s.trainDocuments());
          m.put("val_documents", s.valDocuments());
          m.put("fim_documents", s.fimDocuments());
          m.put("padding_tokens", s.paddingTokens());
          m.put("tokenizer_sha256", s.tokenizerSha256());
          var l = s.lossMask();
          if (l != null) {
            m.put(
                "loss_mask",
                JsonObject.of(
                    "chat_template",
                    l.chatTemplate(),
                    "chat_documents",
                    l.chatDocuments(),
                    "trained_tokens",
                    JsonObject.of("train", l.trainTrained(), "val", l.valTrained()),
                    "masked_tokens",
                    JsonObject.of("train", l.trainMasked(), "val", l.valMasked())));
          }
          m.put("seconds", s.seconds());
          o.println(Json.write(m));
          return 0;
        }
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"", "TOKENS", "DOCUMENTS", "SEQUENCES"});
        rows.add(
            new String[] {
              "train",
              Format.count(s.trainTokens()),
              Long.toString(s.trainDocuments()),
              Long.toString(s.trainTokens() / s.seqLen())
            });
        rows.add(
            new String[] {
              "val",
              Format.count(s.valTokens()),
              Long.toString(s.valDocuments()),
              Long.toString(s.valTokens() / s.seqLen())
            });
        o.printf(
            "Prepared %s: vocab %d (%s), seq_len %d, %d FIM documents, %d padding tokens, %.1f s%n",
            s.dir(),
            s.vocabSize(),
            s.dtype(),
            s.seqLen(),
            s.fimDocuments(),
            s.paddingTokens(),
            s.seconds());
        for (String[] r : rows) o.printf("%-6s %10s %10s %10s%n", (Object[]) r);
        var l = s.lossMask();
        if (l != null) {
          o.printf(
              "Loss mask: %d chat documents (template: %s); trained tokens train %s, val %s; masked train %s, val %s%n",
              l.chatDocuments(),
              l.chatTemplate(),
              Format.count(l.trainTrained()),
              Format.count(l.valTrained()),
              Format.count(l.trainMasked()),
              Format.count(l.valMasked()));
        }
      }
      return 0;
    }
  }
}
