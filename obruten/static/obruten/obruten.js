// After a failed submit, move focus to the error summary, so a keyboard or screen-reader
// user starts where the fixes are listed (WCAG 2.1: 3.3.1, 2.4.3).
document.addEventListener("DOMContentLoaded", () => {
  const summary = document.querySelector(".error-summary");
  if (summary) {
    summary.focus();
  }
});
