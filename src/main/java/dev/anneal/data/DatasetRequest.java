package dev.anneal.data;

import java.nio.file.Path;
import java.util.List;

/**
 * A validated build from the Datasets view: the sources, the folder to write, the settings of each
 * stage and where the tokenizer comes from.
 *
 * @param sources source folders
 * @param out the dataset folder to write
 * @param build scan, extraction, filter and dedup settings
 * @param tokenizer a tokenizer.json to load, or null to train one of {@code vocabSize}
 * @param vocabSize vocabulary of the tokenizer to train (ignored when one is loaded)
 * @param prepare FIM, sequence length and split; its tokenizer path is filled in by the pipeline
 */
public record DatasetRequest(
    List<Path> sources,
    Path out,
    BuildOptions build,
    Path tokenizer,
    int vocabSize,
    PrepareOptions prepare) {

  public DatasetRequest {
    sources = List.copyOf(sources);
  }

  /** Default settings for a model of this vocabulary and sequence length (the sample workspace). */
  public static DatasetRequest forModel(List<Path> sources, Path out, int vocabSize, int seqLen) {
    return new DatasetRequest(
        sources,
        out,
        BuildOptions.defaults(),
        null,
        vocabSize,
        new PrepareOptions(
            "",
            seqLen,
            PrepareOptions.DEFAULT_FIM_RATE,
            PrepareOptions.DEFAULT_FIM_SPM_RATE,
            PrepareOptions.DEFAULT_VAL_FRACTION,
            PrepareOptions.DEFAULT_SEED));
  }

  public boolean trainsTokenizer() {
    return tokenizer == null;
  }
}
