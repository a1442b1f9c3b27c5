/**
 * Questions to agencies and the official answers to them (processors/responsiveness): people ask
 * under an agency's official post, or post a question naming its official handle; the agency's
 * account answers most of them after a delay drawn from a log-normal around 40 minutes (a few
 * minutes to a day and more), and leaves the rest unanswered, so a live run fills and empties the
 * "needs an answer" queue. Simulator assumptions, not measurements. Decisions come from a random
 * stream of their own, so the rest of the world's traffic draws what it drew before.
 */
import type { Account } from "./authors.js";
import { Random } from "./random.js";
import { Schedule, type Timed } from "./schedule.js";
import { compileTemplates, type Template } from "./text.js";
import type { ThreadItem } from "./threads.js";
import type { Sentiment, TemplatesBySentiment } from "./vocabulary.js";

/** Chance that a person's response under an official post is a question to the agency. */
export const QUESTION_REPLY_CHANCE = 0.3;
/** Chance that a person's top post is a question naming the agency's official handle. */
export const QUESTION_POST_CHANCE = 0.04;
/** Chance that the agency answers a question at all. */
export const ANSWER_CHANCE = 0.7;
/** Median and spread (sigma of the logarithm) of the time to answer. */
export const ANSWER_DELAY_MEDIAN_MS = 40 * 60_000;
export const ANSWER_DELAY_SIGMA = 1.1;

/** Questions and requests as people write them to an agency: no "?" needed. */
const QUESTION_TEMPLATES: TemplatesBySentiment = {
  negative: [
    "min {tlg} dicek, {issue} saya {udh} {duration} {blm} beres",
    "kok {issue} {blm} ada kabar {sih} min, {udh} {duration}",
    "{agency} {tlg} dong, {issue} di {place} {gmn} ini",
  ],
  neutral: [
    "min mau tanya, syarat {issue} apa aja ya",
    "kak {issue} di {place} {gmn} caranya",
    "min kapan {issue} dibuka lagi",
    "mohon info jadwal {issue} di {place} min",
    "halo admin, {issue} bisa online {neg} ya",
  ],
  positive: [],
};
const QUESTIONS = compileTemplates(QUESTION_TEMPLATES);

interface PendingAnswer extends Timed {
  question: ThreadItem;
  official: Account;
}

export class AnswerDesk {
  private readonly random: Random;
  private readonly answers = new Schedule<PendingAnswer>();

  constructor(seed: number) {
    this.random = new Random(seed, "answers");
  }

  /** Whether a person's response to `parent` asks its author, the agency's official account. */
  asksUnder(parent: ThreadItem, official: Account | undefined): boolean {
    return official !== undefined && parent.account === official && this.random.chance(QUESTION_REPLY_CHANCE);
  }

  /** Whether a person's top post asks the agency, naming its official handle. */
  asksInPost(official: Account | undefined): boolean {
    return official !== undefined && this.random.chance(QUESTION_POST_CHANCE);
  }

  /** A question: a complaint when the writer's tone was negative, else a plain question. */
  question(tone: Sentiment): { template: Template; sentiment: Sentiment } {
    const sentiment = tone === "negative" ? "negative" : "neutral";
    return { template: this.random.pick(QUESTIONS[sentiment]), sentiment };
  }

  /** Maybe schedules the official answer to `question`, asked at `time`. */
  consider(question: ThreadItem, official: Account, time: number): void {
    if (!this.random.chance(ANSWER_CHANCE)) return;
    const delay = Math.max(60_000, Math.round(this.random.logNormal(ANSWER_DELAY_MEDIAN_MS, ANSWER_DELAY_SIGMA)));
    this.answers.push({ time: time + delay, seq: 0, question, official });
  }

  /** Time of the earliest pending answer, Infinity if none. */
  get nextTime(): number {
    return this.answers.peek()?.time ?? Number.POSITIVE_INFINITY;
  }

  /** The earliest pending answer, removed. */
  take(): PendingAnswer {
    const pending = this.answers.pop();
    if (pending === undefined) throw new Error("no answer is pending");
    return pending;
  }
}
