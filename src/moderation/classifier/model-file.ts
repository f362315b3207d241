import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { emptyModel, FEATURE_BITS, type LinearModel } from './linear-model';

/**
 * The shipped default model: one JSON file holding, for each judgement, the bias and
 * the non-zero weights of its hashed features, in base64: the ids in ascending order
 * as gaps in LEB128 varints, the weights as little-endian 16-bit thousandths. It holds
 * no training text. The version
 * is a hash of the weights, so two files with the same version judge alike.
 */

export const MODEL_FORMAT = 'parley-model/1';
/** Weights are stored as whole thousandths in 16 bits: ±32.767 in steps of 0.001. */
const WEIGHT_SCALE = 1000;

/** The project's root: the nearest folder above this file with a package.json (from src/ in tests, dist/src/ when built). */
function projectRoot(): string {
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, 'package.json')) && path.dirname(dir) !== dir) dir = path.dirname(dir);
  return dir;
}

/** Where `npm run train:default` writes the model and every process reads it. */
export const DEFAULT_MODEL_PATH = path.join(projectRoot(), 'models', 'default-model.json');

export const JUDGEMENTS = ['spam', 'abuse'] as const;
export type Judgement = (typeof JUDGEMENTS)[number];

const sourceSchema = z.object({
  file: z.string(),
  sha256: z.string(),
  examples: z.number().int(),
  positive: z.number().int(),
  judgement: z.enum(JUDGEMENTS),
});
export type TrainingSource = z.infer<typeof sourceSchema>;

const storedModelSchema = z.object({
  bias: z.number(),
  features: z.number().int(),
  ids: z.string(),
  weights: z.string(),
});

const modelFileSchema = z.object({
  format: z.literal(MODEL_FORMAT),
  version: z.string(),
  featureBits: z.literal(FEATURE_BITS),
  trainedOn: z.array(sourceSchema),
  spam: storedModelSchema,
  abuse: storedModelSchema,
});

export interface DefaultModel {
  version: string;
  trainedOn: TrainingSource[];
  models: Record<Judgement, LinearModel>;
  /** Non-zero weights per judgement, for `parley model info`. */
  features: Record<Judgement, number>;
  /** Size of the file it was read from, in bytes. */
  bytes: number;
}

/** Ascending ids as the gaps between them, 7 bits a byte (the high bit says another byte follows). */
function encodeGaps(ids: number[]): Buffer {
  const bytes: number[] = [];
  let previous = 0;
  for (const id of ids) {
    let gap = id - previous;
    previous = id;
    while (gap >= 0x80) {
      bytes.push((gap & 0x7f) | 0x80);
      gap >>>= 7;
    }
    bytes.push(gap);
  }
  return Buffer.from(bytes);
}

function decodeGaps(bytes: Buffer): number[] {
  const ids: number[] = [];
  let previous = 0;
  let gap = 0;
  let shift = 0;
  for (const byte of bytes) {
    gap |= (byte & 0x7f) << shift;
    if (byte & 0x80) {
      shift += 7;
      continue;
    }
    previous += gap;
    ids.push(previous);
    gap = 0;
    shift = 0;
  }
  return ids;
}

function encode(model: LinearModel): z.infer<typeof storedModelSchema> {
  const ids: number[] = [];
  const weights: number[] = [];
  for (let id = 0; id < model.weights.length; id++) {
    const stored = Math.round(model.weights[id] * WEIGHT_SCALE);
    if (stored === 0) continue;
    ids.push(id);
    weights.push(Math.max(-32767, Math.min(32767, stored)));
  }
  return {
    bias: Math.round(model.bias * WEIGHT_SCALE) / WEIGHT_SCALE,
    features: ids.length,
    ids: encodeGaps(ids).toString('base64'),
    weights: Buffer.from(new Int16Array(weights).buffer).toString('base64'),
  };
}

function decode(stored: z.infer<typeof storedModelSchema>): LinearModel {
  const ids = decodeGaps(Buffer.from(stored.ids, 'base64'));
  const weightBytes = Buffer.from(stored.weights, 'base64');
  if (ids.length !== stored.features || weightBytes.length !== stored.features * 2)
    throw new Error('the model file is damaged (sizes disagree)');
  const model = emptyModel();
  model.bias = stored.bias;
  for (let k = 0; k < stored.features; k++) {
    if (ids[k] >= model.weights.length) throw new Error('the model file is damaged (a feature id is out of range)');
    model.weights[ids[k]] = weightBytes.readInt16LE(k * 2) / WEIGHT_SCALE;
  }
  return model;
}

/** The file's text for two fitted models: the same models always give the same bytes. */
export function serializeModelFile(options: {
  models: Record<Judgement, LinearModel>;
  trainedOn: TrainingSource[];
}): string {
  const spam = encode(options.models.spam);
  const abuse = encode(options.models.abuse);
  const version = createHash('sha256')
    .update(JSON.stringify([spam, abuse]))
    .digest('hex')
    .slice(0, 12);
  const file: z.infer<typeof modelFileSchema> = {
    format: MODEL_FORMAT,
    version,
    featureBits: FEATURE_BITS,
    trainedOn: options.trainedOn,
    spam,
    abuse,
  };
  return `${JSON.stringify(file, null, 1)}\n`;
}

/** Reads and checks a model file; a missing or damaged file throws with the reason. */
export function readModelFile(file: string = DEFAULT_MODEL_PATH): DefaultModel {
  const text = fs.readFileSync(file, 'utf8');
  const parsed = modelFileSchema.safeParse(JSON.parse(text));
  if (!parsed.success) throw new Error(`${file} is not a ${MODEL_FORMAT} file: ${parsed.error.issues[0].message}`);
  const { data } = parsed;
  return {
    version: data.version,
    trainedOn: data.trainedOn,
    models: { spam: decode(data.spam), abuse: decode(data.abuse) },
    features: { spam: data.spam.features, abuse: data.abuse.features },
    bytes: Buffer.byteLength(text),
  };
}
