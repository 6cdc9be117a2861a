# The module's own example, shipped in its archive: not a root of the reviewed repository.
resource "aws_db_instance" "example" {
  identifier        = "example"
  engine            = "postgres"
  instance_class    = "db.t4g.micro"
  allocated_storage = 20
  storage_encrypted = false
}
