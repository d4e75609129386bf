// Signature capture on a canvas (finger or mouse); the PNG goes into the form's hidden field.
(function () {
  const canvas = document.getElementById("signature-pad");
  if (!canvas) return;
  const field = document.getElementById("id_signature");
  const context = canvas.getContext("2d");
  let drawing = false;
  let drawn = false;

  function fit() {
    const ratio = window.devicePixelRatio || 1;
    canvas.width = canvas.offsetWidth * ratio;
    canvas.height = canvas.offsetHeight * ratio;
    context.scale(ratio, ratio);
    context.lineWidth = 2;
    context.lineCap = "round";
  }
  function point(event) {
    const box = canvas.getBoundingClientRect();
    return [event.clientX - box.left, event.clientY - box.top];
  }
  canvas.addEventListener("pointerdown", (event) => {
    drawing = true;
    canvas.setPointerCapture(event.pointerId);
    context.beginPath();
    context.moveTo(...point(event));
  });
  canvas.addEventListener("pointermove", (event) => {
    if (!drawing) return;
    context.lineTo(...point(event));
    context.stroke();
    drawn = true;
  });
  canvas.addEventListener("pointerup", () => {
    drawing = false;
    if (drawn) field.value = canvas.toDataURL("image/png");
  });
  document.getElementById("signature-clear").addEventListener("click", () => {
    context.clearRect(0, 0, canvas.width, canvas.height);
    field.value = "";
    drawn = false;
  });
  canvas.style.touchAction = "none";
  fit();
})();
