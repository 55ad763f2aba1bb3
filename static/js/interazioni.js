// InterAzioni: behaviour that progressive enhancement needs; every page works without it.
document.addEventListener("htmx:responseError", function (event) {
  var box = document.getElementById("htmx-error");
  if (box) { box.hidden = false; }
});
