module ordeal.example/go-worker

go 1.22
