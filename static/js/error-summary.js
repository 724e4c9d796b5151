// Moves focus to the error summary so that keyboard and screen-reader users hear it first.
export default function errorSummary(element) {
  element.focus();
}
