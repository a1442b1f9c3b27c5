/**
 * Responsiveness: which posts ask an agency for an answer (classifier.ts), and whether and when the
 * agency answered them (tracker.ts). See README.md.
 */
export {
  type Assessment,
  type Kind,
  loadResponsivenessClassifier,
  ResponsivenessClassifier,
} from "./classifier.js";
