/**
 * The triage commands of `guichet`: `classify [--model <folder>]`, `triage train`, `triage evaluate`.
 * They use the desk's own code (labels, training, adjustment), so their figures are the desk's.
 */
import { InvalidArgumentError, type Command } from 'commander';
import { sharedClassifier, sharedRuntime, type Classifier } from './classifier.ts';
import { classifyStream } from './classify.command.ts';
import { LabelFileError } from './triage.labels.ts';
import { loadModelFolder, ModelFolderError } from './triage.model-folder.ts';
import { evaluateCommand, formatEvaluation, readLabelFile, trainCommand } from './triage.offline.ts';

type Guarded = (action: () => Promise<void>) => Promise<void>;

/** Wrong input (a bad label file, a broken model folder) is one sentence on stderr and exit code 1. */
async function userErrors(action: () => Promise<void>): Promise<void> {
  try {
    await action();
  } catch (error) {
    if (error instanceof LabelFileError || error instanceof ModelFolderError) {
      process.stderr.write(`guichet: ${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
}

const runtimeDeps = async () => {
  const [runtime, shipped] = await Promise.all([sharedRuntime(), sharedClassifier()]);
  return { runtime, shipped };
};

function foldCount(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 2 || n > 100)
    throw new InvalidArgumentError('--folds must be a whole number from 2 to 100');
  return n;
}

export function addTriageCommands(program: Command, guarded: Guarded): void {
  program
    .command('classify')
    .description('triage posts read from standard input, one per line; writes one JSON object per line')
    .option('--model <folder>', 'a workspace model built by `guichet triage train` (default: the shipped model)')
    .action((options: { model?: string }) =>
      guarded(() =>
        userErrors(async () => {
          const deps = await runtimeDeps();
          const classifier: Classifier = options.model
            ? await loadModelFolder(options.model, deps.runtime, deps.shipped)
            : deps.shipped;
          await classifyStream(classifier, process.stdin, process.stdout);
        }),
      ),
    );

  const triage = program.command('triage').description('train and evaluate workspace triage models offline');
  triage
    .command('train')
    .description('build a workspace model from labels exactly as the desk retrains from corrections')
    .requiredOption('--labels <jsonl>', 'lines {"text", "type"?, "sentiment"?, "complaint"?: true|false}')
    .requiredOption('--out <folder>', 'where to write the model (model.json, type.ftz, adjustment.json…)')
    .action((options: { labels: string; out: string }) =>
      guarded(() =>
        userErrors(async () => {
          const labels = await readLabelFile(options.labels);
          const manifest = await trainCommand(await runtimeDeps(), labels, options.out);
          process.stdout.write(JSON.stringify({ folder: options.out, ...manifest }) + '\n');
        }),
      ),
    );
  triage
    .command('evaluate')
    .description('k-fold cross-validation of the desk training on labels: per-class P/R/F1, macro-F1 (last line JSON)')
    .requiredOption('--labels <jsonl>', 'lines {"text", "type"?, "sentiment"?, "complaint"?: true|false}')
    .option('--folds <k>', 'number of folds', foldCount, 10)
    .action((options: { labels: string; folds: number }) =>
      guarded(() =>
        userErrors(async () => {
          const labels = await readLabelFile(options.labels);
          const evaluation = await evaluateCommand(await runtimeDeps(), labels, options.folds, (line) =>
            process.stderr.write(line + '\n'),
          );
          process.stdout.write(formatEvaluation(evaluation).join('\n') + '\n' + JSON.stringify(evaluation) + '\n');
        }),
      ),
    );
}
