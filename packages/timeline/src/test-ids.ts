let seq = 0;
/** Distinct, valid photo ids for test specs (no `crypto`: this package has no Node or DOM types). */
export const photoId = () => `00000000-0000-4000-8000-${String(++seq).padStart(12, "0")}`;
/** A valid audio id. */
export const audioId = () => `00000000-0000-4000-9000-${String(++seq).padStart(12, "0")}`;
