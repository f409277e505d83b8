namespace UniJit.IlBackend;
