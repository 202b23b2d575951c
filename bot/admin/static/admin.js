// Small conveniences only; every page works without script.
document.addEventListener("click", (event) => {
  if (event.target.closest(".print-button")) window.print();
});
document.addEventListener("submit", (event) => {
  const message = event.target.dataset.confirm;
  if (message && !window.confirm(message)) event.preventDefault();
});
