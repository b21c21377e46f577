"""The registers' writes: appending to and confirming a book (books), the township's
checkpoints (checkpoints), the year-end archive (archives)."""
